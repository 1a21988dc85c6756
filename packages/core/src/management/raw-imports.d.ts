// `import text from './file?raw'`: the file's text as a string. Vite (vitest) does this natively;
// core's tsup build does it with a small esbuild plugin (tsup.config.ts).
declare module '*?raw' {
  const text: string;
  export default text;
}
