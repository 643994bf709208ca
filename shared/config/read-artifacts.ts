/**
 * Reads `artifacts:`: a list of `{ path, name, type }` entries (a single map,
 * or a plain path, is taken as a list of one). `off` or `none` clears the
 * list, which is how a `for:` block drops the artifacts of the config it
 * overrides.
 */
import type { DiagnosticSink } from './diagnostics.ts';
import type { ArtifactSpec } from './plan.ts';
import { isOff, readString } from './read-values.ts';
import { isNull, type YamlNode } from './yaml-node.ts';

/** The artifact types of AppVeyor's reference, as it spells them. */
export const artifactTypes: readonly string[] = [
  'Auto',
  'WebDeployPackage',
  'NuGetPackage',
  'AzureCloudService',
  'AzureCloudServiceConfig',
  'SsdtPackage',
  'Zip',
  'File',
];

const entryKeys = ['path', 'name', 'type'];

function readType(node: YamlNode, path: string, sink: DiagnosticSink) {
  const text = readString(node, path, sink)?.trim();
  if (!text) return undefined;
  const known = artifactTypes.find((t) => t.toLowerCase() === text.toLowerCase());
  if (!known) {
    sink.warn(
      `Artifact type "${text}" is not one of ${artifactTypes.join(', ')}; kept as written`,
      node,
      path,
    );
  }

  return known ?? text;
}

function readEntry(
  node: YamlNode,
  path: string,
  sink: DiagnosticSink,
): ArtifactSpec | undefined {
  if (isNull(node)) return undefined;
  if (node.kind === 'scalar') return { path: node.text };
  if (node.kind === 'seq') {
    sink.error(`"${path}" must be a map with a path, a name and a type`, node, path);

    return undefined;
  }
  let spec: { path?: string; name?: string; type?: string } = {};
  for (const { key, keyAt, value } of node.entries) {
    const at = `${path}.${key}`;
    if (!entryKeys.includes(key)) {
      sink.warn(`Unknown key "${at}" is ignored`, keyAt, at);
    } else if (key === 'type') {
      spec = { ...spec, type: readType(value, at, sink) };
    } else if (!isNull(value)) {
      spec = { ...spec, [key]: readString(value, at, sink)?.trim() || undefined };
    }
  }
  if (!spec.path) {
    sink.error(`"${path}.path" is required: a file, a folder or a wildcard`, node, path);

    return undefined;
  }

  return {
    path: spec.path,
    ...(spec.name && { name: spec.name }),
    ...(spec.type && { type: spec.type }),
  };
}

/** Reads the `artifacts:` section, in file order. */
export function readArtifacts(node: YamlNode, sink: DiagnosticSink): ArtifactSpec[] {
  if (isNull(node) || isOff(node)) return [];
  const items = node.kind === 'seq' ? node.items : [node];

  return items.flatMap((item, index) => {
    const spec = readEntry(item, `artifacts[${index}]`, sink);

    return spec ? [spec] : [];
  });
}
