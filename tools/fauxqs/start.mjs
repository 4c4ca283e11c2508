// Starts the fauxqs SQS/SNS emulator on loopback only (its own CLI binds 0.0.0.0).
// Prints one JSON line {"endpoint": "..."} when ready; stops when stdin closes (its parent died) or on SIGTERM/SIGINT.
// FAUXQS_PORT picks the port (default 0: any free one).
// FAUXQS_QUEUES (with a fixed FAUXQS_PORT): a JSON array of {"name", "attributes"} created before the port opens, so a
// restarted emulator (it keeps state in memory only) has its queues again before any client can ask for them.
import { buildApp } from "fauxqs";

const port = Number(process.env.FAUXQS_PORT ?? 0);
const app = buildApp({ logger: false });
const queues = JSON.parse(process.env.FAUXQS_QUEUES ?? "[]");
if (queues.length > 0 && port === 0) throw new Error("FAUXQS_QUEUES needs a fixed FAUXQS_PORT (queue URLs name the port)");
for (const queue of queues) {
  const reply = await app.inject({
    method: "POST",
    url: "/",
    headers: {
      host: `127.0.0.1:${port}`,
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.CreateQueue",
    },
    payload: JSON.stringify({ QueueName: queue.name, Attributes: queue.attributes ?? {} }),
  });
  if (reply.statusCode !== 200) throw new Error(`cannot create queue ${queue.name}: ${reply.body}`);
}

await app.listen({ port, host: "127.0.0.1" });
const { port: bound } = app.server.address();
process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${bound}` }) + "\n");

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
