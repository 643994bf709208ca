/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers`, which Node 20 lacks.
 * The same polyfill is installed by the embedded mode (local/polyfill.ts).
 */
import '../local/polyfill.ts';
