import { defineConfig } from 'tsup';
import { libraryOptions } from '../../tsup.shared.js';

export default defineConfig(libraryOptions());
