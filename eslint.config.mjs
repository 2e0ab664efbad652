import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/bundle', '**/out-tsc', '**/node_modules', '**/vitest.config.*.timestamp*', '.wmsi/**', 'results/**'],
  },
  {
    files: ['**/src/**/*.ts', '**/src/**/*.tsx', '**/src/**/*.mjs'],
    rules: {
      // Apps import libs, never the reverse; domains never import each other.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:tool', 'type:api', 'type:client', 'type:feature', 'type:data-access', 'type:util'] },
            // The console's browser tests drive the whole stack, as the simulator does.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:tool', 'type:api', 'type:client', 'type:feature', 'type:data-access', 'type:util'] },
            // A tool (the Acumatica simulator) drives the whole system from outside, like a user.
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:api', 'type:client', 'type:feature', 'type:data-access', 'type:util'] },
            // The API's router composes the domain features; the typed client knows only its type.
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:api'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:cli', 'scope:shared'] },
            // Tools (benchmarks, the simulator) measure the domains from outside: they may use any of them.
            {
              sourceTag: 'scope:tools',
              onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared', 'scope:client', 'scope:api', 'scope:receiving', 'scope:fulfillment', 'scope:items', 'scope:adjustments'],
            },
            // Domains never import each other: each is a vertical slice over the shared libs.
            // The API composes every domain's router; the client knows only the API's router type.
            {
              sourceTag: 'scope:api',
              onlyDependOnLibsWithTags: ['scope:api', 'scope:client', 'scope:shared', 'scope:receiving', 'scope:fulfillment', 'scope:items', 'scope:adjustments'],
            },
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:client', 'scope:api'] },
            // The console knows the API only by its router's type; its tests may use the tools and shared libs.
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:console', 'scope:api', 'scope:client', 'scope:tools', 'scope:shared'] },
            { sourceTag: 'scope:receiving', onlyDependOnLibsWithTags: ['scope:receiving', 'scope:shared'] },
            { sourceTag: 'scope:fulfillment', onlyDependOnLibsWithTags: ['scope:fulfillment', 'scope:shared'] },
            { sourceTag: 'scope:items', onlyDependOnLibsWithTags: ['scope:items', 'scope:shared'] },
            { sourceTag: 'scope:adjustments', onlyDependOnLibsWithTags: ['scope:adjustments', 'scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
