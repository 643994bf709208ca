/**
 * Node 20 adjustments of the embedded mode, imported once by it and by the
 * test setup: installs `Promise.withResolvers`, which aws-local-stepfunctions
 * needs, and turns off the AWS SDK's notice that its later releases need
 * Node 22 (the README says it once; it would print on every start).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Resolvers<T> = {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};

const promiseCtor = Promise as unknown as {
  withResolvers?: <T>() => Resolvers<T>;
};

if (typeof promiseCtor.withResolvers !== 'function') {
  promiseCtor.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });

    return { promise, resolve, reject };
  };
}
