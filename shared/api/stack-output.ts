/**
 * The CloudFormation output that carries the operator API's URL. The
 * construct writes it; `bakehouse --stack` finds the output whose key holds
 * this name (CDK adds the construct path before it and a hash after it).
 */
export const operatorApiOutputName = 'OperatorApiUrl';
