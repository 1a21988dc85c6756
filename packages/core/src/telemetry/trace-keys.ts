import type { KeyManager } from '../keys/key-manager.js';
import type { KeywardTelemetry } from './hooks.js';

const OPERATIONS = ['create', 'update', 'rotate', 'revoke'] as const;

/**
 * Run the key manager's changes inside `telemetry.operation` spans (from the application, the
 * management API or a leak report alike). Done once by `createKeyward` when telemetry is configured;
 * the key manager itself knows nothing of telemetry.
 */
export function traceKeyOperations(keys: KeyManager, telemetry: KeywardTelemetry): void {
  for (const name of OPERATIONS) {
    const method = (keys[name] as (...args: unknown[]) => Promise<unknown>).bind(keys);
    Object.defineProperty(keys, name, { value: (...args: unknown[]) => telemetry.operation(name, () => method(...args)), enumerable: false, configurable: true, writable: true });
  }
}
