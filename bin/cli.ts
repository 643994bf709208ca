import { commands } from './commands.ts';

const usage = `Usage: bakehouse <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run \`bakehouse <command> --help\` for a command's options.`;

/**
 * Runs one `bakehouse` command and returns its exit code: 0 for success,
 * 1 when the command ran and found errors, 2 for wrong usage.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(`${usage}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`bakehouse: unknown command '${name}'\n\n${usage}\n`);
    return 2;
  }

  return command.run(rest);
}
