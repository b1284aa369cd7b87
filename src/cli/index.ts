// The CLI entry; wired once the engine lands.
export {}
