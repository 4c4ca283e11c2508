// Starts dynalite (a DynamoDB implementation on LevelDB) on loopback only (its own CLI binds every address).
// Prints one JSON line {"endpoint": "..."} when ready; stops when stdin closes (its parent died) or on SIGTERM/SIGINT,
// closing its LevelDB store first so that a new process can open the same directory.
// DYNALITE_PORT picks the port (default 0: any free one).
// DYNALITE_PATH: a directory for the LevelDB store, kept across restarts (default: in memory, gone when it stops).
// DYNALITE_CREATE_TABLE_MS: how long a new table stays CREATING (default 500, dynalite's own).
import dynalite from "dynalite";

const port = Number(process.env.DYNALITE_PORT ?? 0);
const path = process.env.DYNALITE_PATH || undefined;
const createTableMs = Number(process.env.DYNALITE_CREATE_TABLE_MS ?? 500);
const server = dynalite({ path, createTableMs, deleteTableMs: createTableMs, updateTableMs: createTableMs });

await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, "127.0.0.1", resolve);
});
const { port: bound } = server.address();
process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${bound}` }) + "\n");

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // Open keep-alive connections would hold close() back until they idle out.
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
