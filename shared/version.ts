import packageJson from '../package.json' with { type: 'json' };

/** Bakehouse's version, as package.json says it: what `appveyor version` prints on runners. */
export const bakehouseVersion: string = packageJson.version;
