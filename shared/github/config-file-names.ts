/** The config file names AppVeyor looks for at a commit, in its order. */
export const configFileNames = [
  'appveyor.yml',
  '.appveyor.yml',
  'appveyor.yaml',
] as const;
