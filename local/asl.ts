/**
 * Turns the DefinitionString of a synthesized state machine into runnable
 * ASL: CloudFormation intrinsics are replaced by fixed placeholder values
 * (partition `aws`, region `us-east-1`, account `123456789012`, Lambda ARNs
 * named after their logical ids). The local orchestrator and tests run it.
 */

/** The placeholder values an intrinsic resolves to. */
export const placeholders = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
} as const;

/** A CloudFormation template, as far as the resolver reads it. */
export interface TemplateJson {
  readonly Resources: Readonly<Record<string, { Type: string; Properties?: unknown }>>;
}

/** Raised for an intrinsic the resolver does not know. */
export class UnresolvableIntrinsicError extends Error {
  override readonly name = 'UnresolvableIntrinsicError';
}

const pseudo: Readonly<Record<string, string>> = {
  'AWS::Partition': placeholders.partition,
  'AWS::Region': placeholders.region,
  'AWS::AccountId': placeholders.account,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Bakehouse',
};

/** The placeholder ARN of a resource, chosen by its type. */
function arnOf(template: TemplateJson, logicalId: string): string {
  const { partition, region, account } = placeholders;
  const type = template.Resources[logicalId]?.Type;
  const prefix = `arn:${partition}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return `${prefix}:lambda:${region}:${account}:function:${logicalId}`;
    case 'AWS::StepFunctions::StateMachine':
      return `${prefix}:states:${region}:${account}:stateMachine:${logicalId}`;
    case 'AWS::DynamoDB::Table':
      return `${prefix}:dynamodb:${region}:${account}:table/${logicalId}`;
    default:
      return `${prefix}:${type ?? 'unknown'}:${region}:${account}:${logicalId}`;
  }
}

/** Resolves every intrinsic inside `value` against the template. */
export function resolveIntrinsics(value: unknown, template: TemplateJson): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, template));
  if (value === null || typeof value !== 'object') return value;

  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first) {
    const [key, arg] = first;
    if (key === 'Ref') return pseudo[String(arg)] ?? String(arg);
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = arg as [string, string];
      return attribute === 'Arn'
        ? arnOf(template, logicalId)
        : `${logicalId}.${attribute}`;
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p, template))).join(separator);
    }
    if (key === 'Fn::Sub') {
      const text = String(Array.isArray(arg) ? arg[0] : arg);
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        String(resolveIntrinsics({ Ref: name }, template)),
      );
    }
    if (key.startsWith('Fn::'))
      throw new UnresolvableIntrinsicError(`Cannot resolve ${key}`);
  }

  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, template)]));
}

/** The ASL of the template's state machine (the first, or the one named). */
export function stateMachineAsl(
  template: TemplateJson,
  logicalId?: string,
): Record<string, unknown> {
  const [id, machine] =
    Object.entries(template.Resources).find(
      ([name, r]) =>
        r.Type === 'AWS::StepFunctions::StateMachine' &&
        (!logicalId || name === logicalId),
    ) ?? [];
  if (!id || !machine)
    throw new UnresolvableIntrinsicError('The template has no state machine');
  const props = machine.Properties as { DefinitionString: unknown };

  return JSON.parse(String(resolveIntrinsics(props.DefinitionString, template)));
}
