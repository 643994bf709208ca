/**
 * Reads the sections whose automatic behaviour Bakehouse does not run:
 * `build` (MSBuild), `test` (assembly discovery) and `deploy` (providers).
 * `off` switches each off; settings are accepted and reported as not run.
 */
import type { DiagnosticSink } from './diagnostics.ts';
import { isOff } from './read-values.ts';
import { isNull, lookup, type YamlNode } from './yaml-node.ts';

/** Reads `build:` or `test:`; returns true when it is switched off. */
export function readAutomaticSection(
  node: YamlNode,
  key: 'build' | 'test',
  sink: DiagnosticSink,
): boolean {
  if (isNull(node)) return false;
  if (isOff(node)) return true;
  if (node.kind === 'map') {
    const what =
      key === 'build' ? "MSBuild's automatic build" : 'automatic test discovery';
    sink.skip(`"${key}" settings are accepted; ${what} is not run`, node, key);

    return false;
  }
  sink.error(`"${key}" must be off or a map of settings`, node, key);

  return false;
}

function readProvider(node: YamlNode, path: string, sink: DiagnosticSink): void {
  if (isNull(node)) return;
  if (node.kind !== 'map') {
    sink.error(`"${path}" must be a map with a provider`, node, path);

    return;
  }
  const provider = lookup(node, 'provider');
  if (provider?.kind !== 'scalar') {
    sink.error(
      `"${path}.provider" must name a deployment provider`,
      provider ?? node,
      path,
    );

    return;
  }
  const name = provider.text;
  sink.skip(
    `Deployment provider "${name}" is not run: deployments are out of scope`,
    node,
    path,
  );
}

/** Reads `deploy:`: off, one provider map, or a list of them. */
export function readDeploy(node: YamlNode, sink: DiagnosticSink): void {
  if (isNull(node) || isOff(node)) return;
  if (node.kind === 'seq') {
    node.items.forEach((item, index) => {
      readProvider(item, `deploy[${index}]`, sink);
    });

    return;
  }
  if (node.kind === 'scalar') {
    sink.error('"deploy" must be off, a provider or a list of providers', node, 'deploy');

    return;
  }
  readProvider(node, 'deploy', sink);
}
