// Placeholder until the shared Temporal dev server is wired in.
export default async function globalSetup(): Promise<void> {}
