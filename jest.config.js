/** Jest runs the TypeScript sources as ES modules through ts-jest. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true, diagnostics: { ignoreCodes: [151002] } }]
  },
  transformIgnorePatterns: ['node_modules/(?!(@actions|@octokit)/)'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 60000
}
