using System.Text;
using BenchmarkDotNet.Attributes;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Benchmarks;

/// <summary>
/// The salt-api event stream reader on a busy bus: 2,000 events of other users' jobs (one in 50 a 1 MiB return on
/// one line), one event the daemon waits for. Throughput and allocations per flood; what it buffers stays one read
/// buffer plus the awaited event (SseEventReaderTests asserts that bound).
/// </summary>
[MemoryDiagnoser]
public class EventStreamReaderBenchmarks
{
    private const string Wanted = "salt/job/20261129144256000001/ret/my-asg-i-0123456789abcdef0";

    private readonly OneTagFilter filter = new(Encoding.UTF8.GetBytes(Wanted));
    private byte[] flood = [];

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            var jid = $"2026112914{i:D10}";
            var (tag, data) = (i % 50) switch
            {
                0 => ($"salt/job/{jid}/ret/other-{i}", $"{{\"return\": \"{new string('y', 1024 * 1024)}\", \"retcode\": 0}}"),
                _ when i == 1000 => (Wanted, "{\"return\": {\"a_|-b_|-c_|-d\": {\"result\": true, \"__run_num__\": 0}}, \"retcode\": 0}"),
                _ => ($"salt/job/{jid}/new", $"{{\"jid\": \"{jid}\", \"tgt_type\": \"list\", \"tgt\": [\"other-{i}\"], \"fun\": \"test.ping\", \"arg\": [], \"minions\": [\"other-{i}\"]}}"),
            };
            text.Append("tag: ").Append(tag).Append("\ndata: {\"data\": ").Append(data).Append(", \"tag\": \"").Append(tag).Append("\"}\n\n");
        }

        flood = Encoding.UTF8.GetBytes(text.ToString());
    }

    [Benchmark]
    public async Task<int> ReadFlood()
    {
        using var reader = new SseEventReader(new MemoryStream(flood, writable: false), filter, 1024 * 1024);
        var wanted = 0;
        while (await reader.ReadAsync(CancellationToken.None) is not null)
        {
            wanted++;
        }

        return wanted;
    }
}
