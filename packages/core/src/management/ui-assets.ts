// The built <keyward-api-keys> element and its page CSS, as text. Imported lazily by ui.ts, so
// that the bundle (~35 KB) lands in a chunk of its own, loaded the first time the page is asked
// for. `@keyward/ui` is a devDependency: its files are copied into core's dist at build time.
import script from '@keyward/ui/keyward-api-keys.js?raw';
import style from '@keyward/ui/keyward-api-keys.css?raw';

export { script, style };
