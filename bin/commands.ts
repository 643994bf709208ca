/** One subcommand of the `bakehouse` command line. */
export interface Command {
  /** One line for the command list. */
  readonly summary: string;
  /** Runs the command with its own arguments; resolves to the exit code. */
  run(argv: readonly string[]): Promise<number>;
}

/**
 * Every subcommand, by name. Each lives in its own file under bin/ and is
 * registered here.
 */
export const commands: Record<string, Command> = {
  validate: (await import('./validate.ts')).validate,
  replay: (await import('./replay.ts')).replay,
  build: (await import('./build.ts')).build,
  builds: (await import('./builds.ts')).builds,
  show: (await import('./show.ts')).show,
  logs: (await import('./logs.ts')).logs,
  artifacts: (await import('./artifacts.ts')).artifacts,
  images: (await import('./images.ts')).images,
  image: (await import('./image.ts')).image,
  encrypt: (await import('./encrypt.ts')).encrypt,
  cancel: (await import('./cancel.ts')).cancel,
  rebuild: (await import('./rebuild.ts')).rebuild,
};
