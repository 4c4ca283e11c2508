using Amazon.SQS;
using Amazon.SQS.Model;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>A fresh queue on the emulator, filled before a run so that only processing is timed.</summary>
internal sealed class BenchQueue(FauxqsEmulator emulator, IAmazonSQS sqs, string url)
{
    public string Url { get; } = url;

    public static async Task<BenchQueue> CreateAsync(FauxqsEmulator emulator, IAmazonSQS sqs, string prefix)
    {
        var url = await emulator.CreateQueueAsync($"{prefix}-{Guid.NewGuid():N}", new() { ["VisibilityTimeout"] = "60" }, CancellationToken.None);
        return new BenchQueue(emulator, sqs, url);
    }

    /// <summary>Sends the bodies in batches of 10, 8 batches at a time.</summary>
    public async Task FillAsync(IReadOnlyList<string> bodies)
    {
        _ = emulator;
        var batches = bodies.Chunk(10).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
            await sqs.SendMessageBatchAsync(Url, [.. batch.Select((body, i) => new SendMessageBatchRequestEntry("m" + i, body))], ct));
    }

    public Task<int> DepthAsync() => FauxqsEmulator.MessagesLeftAsync(sqs, Url, CancellationToken.None);
}
