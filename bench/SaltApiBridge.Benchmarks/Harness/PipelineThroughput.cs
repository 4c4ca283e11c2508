using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// Messages per second from the emulator through the whole pipeline (parse, plan, dedupe, order, handler with an
/// instant Salt master and Auto Scaling API, batched delete), against the raw SQS floor measured in the same run with
/// the same emulator and pollers: receive 10, delete the batch, nothing else.
/// </summary>
internal static class PipelineThroughput
{
    public sealed record Result(int Messages, int Pollers, double RawPerSecond, double PipelinePerSecond)
    {
        public double Ratio => PipelinePerSecond / RawPerSecond;
    }

    public static async Task<Result> RunAsync(FauxqsEmulator emulator, int messages, int pollers, int rounds)
    {
        using var sqs = emulator.CreateSqsClient();
        var bodies = BenchMessages.Launches(messages);
        double raw = 0, pipeline = 0;
        for (var round = 0; round < rounds; round++)
        {
            // Alternate so neither side always runs on a warmer emulator.
            raw = Math.Max(raw, await RawAsync(emulator, sqs, bodies, pollers));
            pipeline = Math.Max(pipeline, await PipelineAsync(emulator, sqs, bodies, pollers));
        }

        return new Result(messages, pollers, raw, pipeline);
    }

    private static async Task<double> RawAsync(FauxqsEmulator emulator, IAmazonSQS sqs, IReadOnlyList<string> bodies, int pollers)
    {
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "raw");
        await queue.FillAsync(bodies);
        var done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, pollers).Select(async _ =>
        {
            while (Volatile.Read(ref done) < bodies.Count)
            {
                var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue.Url, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
                if (received.Messages is not { Count: > 0 } batch)
                    continue;
                await sqs.DeleteMessageBatchAsync(queue.Url, [.. batch.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle))]);
                Interlocked.Add(ref done, batch.Count);
            }
        }));
        return bodies.Count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> PipelineAsync(FauxqsEmulator emulator, IAmazonSQS sqs, IReadOnlyList<string> bodies, int pollers)
    {
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "pipeline");
        await queue.FillAsync(bodies);
        var lifecycle = new InstantLifecycleActions();
        await using var app = BenchDaemon.Build(emulator, queue.Url, pollers, maxInFlight: 64, salt: new InstantSaltMaster(), lifecycle: lifecycle);
        var clock = Stopwatch.StartNew();
        await app.StartAsync();
        // Only the bridge talks to the emulator until every action completed; then wait for the last batched deletes.
        while (lifecycle.Completions < bodies.Count)
            await Task.Delay(10);
        while (await queue.DepthAsync() > 0)
            await Task.Delay(10);
        var elapsed = clock.Elapsed;
        await app.StopAsync();
        return bodies.Count / elapsed.TotalSeconds;
    }
}
