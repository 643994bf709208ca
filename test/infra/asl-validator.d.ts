declare module 'asl-validator' {
  /** Validates an Amazon States Language definition (asl-validator ships no types). */
  export default function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errorsText: (separator?: string) => string };
}
