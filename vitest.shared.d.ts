declare const _default: import("vite").UserConfig;
export default _default;
//# sourceMappingURL=vitest.shared.d.ts.map