using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// What the DynamoDB coordination store costs: launches through one or two replicas (real daemons in this process,
/// each with its own DynamoDB client) on a fresh dynalite table behind a <see cref="CountingProxy"/>, the HTTP
/// simulators and the emulator's queue. Counts every request the table gets by operation, the makespan, and, when
/// asked, the table's requests over a window at rest afterwards (the daemon's own periodic looks: the takeover query
/// of <c>UnattendedActions</c>, the task leases, with every finished instance's record in the table).
/// </summary>
internal static class StoreBenchmark
{
    /// <param name="Calls">Requests the table got from the first message sent until the queue was empty.</param>
    /// <param name="Rest">Requests over <paramref name="RestWindow"/> once the queue was empty, the daemons idle.</param>
    public sealed record Result(
        int Launches, int Replicas, int InFlight, TimeSpan Makespan, TimeSpan Ideal, IReadOnlyDictionary<string, long> Calls,
        double ReadUnits, double WriteUnits, TimeSpan RestWindow, IReadOnlyDictionary<string, long> Rest, double RestReadUnits)
    {
        public double PerLaunch(string operation) => Calls.GetValueOrDefault(operation) / (double)Launches;

        public double TotalPerLaunch => Calls.Values.Sum() / (double)Launches;
    }

    /// <summary>Reads of the table's API (the rest are writes, DescribeTable aside).</summary>
    public static readonly string[] ReadOperations = ["GetItem", "Query", "Scan", "BatchGetItem", "DescribeTable"];

    /// <summary>Log-normal highstates (median 90 s, σ 0.6), seeded, compressed by <paramref name="timeScale"/>.</summary>
    public static TimeSpan[] Highstates(int launches, double timeScale, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, launches).Select(_ => LongTail.Sample(random, TimeSpan.FromSeconds(90), sigma: 0.6) * timeScale)];
    }

    /// <param name="inFlight">MaxInFlight over all replicas (each gets its share), so one and two replicas have the same slots.</param>
    public static async Task<Result> RunAsync(
        FauxqsEmulator emulator, DynaliteEmulator dynalite, TimeSpan[] durations, double timeScale, int replicas, int inFlight, TimeSpan restWindow)
    {
        var table = $"bench-{Guid.NewGuid():N}";
        await dynalite.CreateTableAsync(table, CancellationToken.None);
        await using var proxy = await CountingProxy.StartAsync(dynalite.Endpoint);
        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "store");
        var byMinion = Enumerable.Range(0, durations.Length).ToDictionary(BenchMessages.MinionId, i => durations[i]);
        await using var salt = new SimulatedSaltApi { JobDuration = minion => byMinion[minion] };
        await using var autoScaling = new SimulatedAutoScaling();
        for (var i = 0; i < durations.Length; i++)
            autoScaling.AddInstance(BenchMessages.Group, BenchMessages.InstanceId(i), token: BenchMessages.Token(i));

        var daemons = new List<(WebApplication App, IAmazonDynamoDB Client)>();
        try
        {
            for (var r = 0; r < replicas; r++)
            {
                var client = DynamoDbClientFactory.Create(
                    new CoordinationOptions { ServiceUrl = proxy.Url, Region = DynaliteEmulator.Region },
                    new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey));
                var settings = BenchDaemon.AgainstSimulators(salt.BaseUrl, autoScaling.Url, timeScale);
                settings["Coordination:Store"] = "DynamoDb";
                settings["Coordination:TableName"] = table;
                settings["Coordination:ServiceUrl"] = proxy.Url;
                settings["Coordination:Region"] = DynaliteEmulator.Region;
                settings["Coordination:ReplicaName"] = $"replica{r + 1}";
                daemons.Add((BenchDaemon.Build(emulator, queue.Url, pollers: Math.Max(1, 4 / replicas), maxInFlight: inFlight / replicas, settings, dynamoDb: client), client));
            }

            foreach (var (app, _) in daemons)
            {
                await app.StartAsync();
                await ReadyAsync(app);
            }

            var before = proxy.Counts;
            var (readsBefore, writesBefore) = Units(daemons);
            var clock = Stopwatch.StartNew();
            await queue.FillAsync(BenchMessages.Launches(durations.Length));
            var deadline = DateTime.UtcNow + TimeSpan.FromTicks(durations.Sum(d => d.Ticks)) + TimeSpan.FromMinutes(3);
            while (autoScaling.Completions.Count(c => !c.Refused) < durations.Length)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"store: {autoScaling.Completions.Count(c => !c.Refused)} of {durations.Length} launches completed before the deadline");
                await Task.Delay(10);
            }

            var makespan = clock.Elapsed;
            // The messages' deletes and the records' last writes come after the completion.
            while (await queue.DepthAsync() > 0)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"store: {await queue.DepthAsync()} messages still on the queue at the deadline, after every launch completed (the counts would miss their deletes and last writes)");
                await Task.Delay(50);
            }
            var calls = CountingProxy.Since(before, proxy.Counts);
            var (reads, writes) = Units(daemons);

            var restBefore = proxy.Counts;
            await Task.Delay(restWindow);
            var rest = CountingProxy.Since(restBefore, proxy.Counts);
            var restReads = Units(daemons).Reads - reads;

            foreach (var (app, _) in daemons)
                await app.StopAsync();
            if (salt.Violations.Count > 0)
                throw new InvalidOperationException("store: " + string.Join("; ", salt.Violations.Take(3)));
            var highstates = autoScaling.Completions.Count(c => !c.Refused);
            return new Result(highstates, replicas, inFlight, makespan, StormBenchmark.ListSchedule(durations, inFlight), calls,
                reads - readsBefore, writes - writesBefore, restWindow, rest, restReads);
        }
        finally
        {
            foreach (var (app, client) in daemons)
            {
                await app.DisposeAsync();
                client.Dispose();
            }
        }
    }

    /// <summary>Capacity units the replicas' store consumed so far, by their own count (<see cref="CoordinationStoreUsage"/>).</summary>
    private static (double Reads, double Writes) Units(List<(WebApplication App, IAmazonDynamoDB Client)> daemons)
    {
        var usages = daemons.Select(d => d.App.Services.GetRequiredService<CoordinationStoreUsage>()).ToList();
        return (usages.Sum(u => u.ReadUnits), usages.Sum(u => u.WriteUnits));
    }

    /// <summary>Until <c>/readyz</c> answers 200: the start-up checks passed, so the store's own look has begun.</summary>
    private static async Task ReadyAsync(WebApplication app)
    {
        using var http = new HttpClient();
        var url = app.Urls.First().TrimEnd('/') + "/readyz";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"store: {url} not ready within 30 s");
            await Task.Delay(20);
        }
    }
}
