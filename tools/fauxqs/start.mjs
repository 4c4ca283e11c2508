// Starts the fauxqs SQS/SNS emulator on loopback only (its own CLI binds 0.0.0.0).
// Prints one JSON line {"endpoint": "..."} when ready; stops when stdin closes (its parent died) or on SIGTERM/SIGINT.
// FAUXQS_PORT picks the port (default 0: any free one).
import { buildApp } from "fauxqs";

const app = buildApp({ logger: false });
await app.listen({ port: Number(process.env.FAUXQS_PORT ?? 0), host: "127.0.0.1" });
const { port } = app.server.address();
process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${port}` }) + "\n");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await app.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
