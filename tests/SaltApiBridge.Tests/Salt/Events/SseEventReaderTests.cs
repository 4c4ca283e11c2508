using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Tests.Salt.Events;

public sealed class SseEventReaderTests
{
    private const int MaxData = 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int[]> AwkwardSplits => new()
    {
        new[] { 1 },
        new[] { 2, 3, 5, 7 },
        new[] { 5, 1, 17 },
        new[] { 4096 },
        new[] { 100_000 },
    };

    [Theory]
    [MemberData(nameof(AwkwardSplits))]
    public async Task ReadAsync_Transcript50SplitAnywhere_EveryEventWithItsExactData(int[] splits)
    {
        var transcript = EventStreamTranscript.Instance;
        using var reader = new SseEventReader(new TrickleStream(transcript.Body, splits), new TagSetFilter(_ => true), MaxData);

        var read = await ReadAllAsync(reader);

        read.Select(e => e.Tag).Should().Equal(transcript.Events.Select(e => e.Tag));
        read.Should().AllSatisfy(e => e.Oversized.Should().BeFalse());
        for (var i = 0; i < read.Count; i++)
        {
            JsonNode.DeepEquals(JsonNode.Parse(read[i].Data), transcript.Events[i].Data).Should().BeTrue($"event {i} ({read[i].Tag}) must read back as captured");
        }

        reader.RetryMilliseconds.Should().Be(400);
        reader.EventsSeen.Should().Be(transcript.Events.Count);
        reader.BytesRead.Should().Be(transcript.Body.Length);
    }

    [Fact]
    public async Task ReadAsync_FilterWantsJobReturnsOnly_OthersSkippedAndJudgedByTagBeforeData()
    {
        var transcript = EventStreamTranscript.Instance;
        var filter = new TagSetFilter(tag => tag.Contains("/ret/", StringComparison.Ordinal));
        using var reader = new SseEventReader(new TrickleStream(transcript.Body, 3, 11), filter, MaxData);

        var read = await ReadAllAsync(reader);

        read.Select(e => e.Tag).Should().Equal(transcript.Events.Select(e => e.Tag).Where(t => t.Contains("/ret/", StringComparison.Ordinal)));
        filter.Asked.Should().Be(transcript.Events.Count, "every event's tag is judged once");
        reader.EventsSeen.Should().Be(transcript.Events.Count);
    }

    [Fact]
    public async Task ReadAsync_WantedEventPastTheBound_OversizedWithNothingKept()
    {
        var big = new string('x', 200_000);
        var text = EventStreamTranscript.SseText("salt/job/20261129144256000001/ret/my-asg-i-0123456789abcdef0", new JsonObject { ["return"] = big })
            + EventStreamTranscript.SseText("salt/job/20261129144256000002/ret/my-asg-i-0123456789abcdef0", new JsonObject { ["return"] = true });
        using var reader = new SseEventReader(new TrickleStream(Encoding.UTF8.GetBytes(text), 7000), new TagSetFilter(_ => true), 65536);

        var read = await ReadAllAsync(reader);

        read.Should().HaveCount(2);
        read[0].Oversized.Should().BeTrue();
        read[0].Data.Length.Should().Be(0);
        read[1].Oversized.Should().BeFalse("the next event is read normally after a skipped one");
        JsonNode.Parse(read[1].Data)!["data"]!["return"]!.GetValue<bool>().Should().BeTrue();
        reader.MaxBufferedBytes.Should().BeLessThanOrEqualTo(16 * 1024 + 65536 + SseEventReader.MaxTagBytes);
    }

    [Fact]
    public async Task ReadAsync_CrlfLinesCommentsAndUnknownFields_ReadAsLf()
    {
        var text = ": keep-alive comment\r\nretry: 250\r\nid: 7\r\nevent: message\r\ntag: salt/minion/m1/start\r\ndata: {\"data\": {\"id\": \"m1\"},\r\ndata:  \"tag\": \"salt/minion/m1/start\"}\r\n\r\n";
        using var reader = new SseEventReader(new TrickleStream(Encoding.UTF8.GetBytes(text), 1), new TagSetFilter(_ => true), MaxData);

        var read = await ReadAllAsync(reader);

        read.Should().ContainSingle().Which.Tag.Should().Be("salt/minion/m1/start");
        // Two data lines join with a newline; only the one space after the colon is dropped.
        Encoding.UTF8.GetString(read[0].Data).Should().Be("{\"data\": {\"id\": \"m1\"},\n \"tag\": \"salt/minion/m1/start\"}");
        reader.RetryMilliseconds.Should().Be(250);
    }

    [Fact]
    public async Task ReadAsync_DataBeforeTheTag_WantedEventComesBackOversized()
    {
        const string Text = "data: {\"data\": {}}\ntag: salt/minion/m1/start\n\n";
        using var reader = new SseEventReader(new TrickleStream(Encoding.UTF8.GetBytes(Text), 4), new TagSetFilter(_ => true), MaxData);

        var read = await ReadAllAsync(reader);

        read.Should().ContainSingle().Which.Oversized.Should().BeTrue("data that came before its tag could not be judged, so it was not kept");
    }

    [Fact]
    public async Task ReadAsync_EventCutOffByTheEnd_Dropped()
    {
        const string Text = "tag: salt/minion/m1/start\ndata: {\"data\": {}, \"tag\": \"salt/minion/m1/start\"}\n\ntag: salt/minion/m2/start\ndata: {\"da";
        using var reader = new SseEventReader(new TrickleStream(Encoding.UTF8.GetBytes(Text), 9), new TagSetFilter(_ => true), MaxData);

        (await ReadAllAsync(reader)).Select(e => e.Tag).Should().Equal("salt/minion/m1/start");
    }

    [Fact]
    public async Task ReadAsync_FloodOfForeignEventsWithHugeReturns_BufferBoundedAndOnlyTheWantedOneKept()
    {
        // A busy bus: other users' job returns (some multi-MB, on one line), runner and wheel events, and ours in the middle.
        const string Ours = "salt/job/20261129144256000001/ret/my-asg-i-0123456789abcdef0";
        var transcript = EventStreamTranscript.Instance;
        var foreign = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(EventStreamTranscript.SseText("salt/job/20261129000000000001/ret/other-minion", new JsonObject { ["return"] = new string('y', 4 * 1024 * 1024) })),
        };
        foreign.AddRange(transcript.Events.Where(e => e.Tag != Ours).Select(e => Encoding.UTF8.GetBytes(EventStreamTranscript.SseText(e.Tag, e.Payload))));
        var ours = transcript.First(Ours);
        var flood = new MemoryStream();
        for (var i = 0; i < 2000; i++)
        {
            flood.Write(foreign[i % foreign.Count]);
            if (i == 1000)
            {
                flood.Write(Encoding.UTF8.GetBytes(EventStreamTranscript.SseText(Ours, ours.Payload)));
            }
        }

        var bytes = flood.ToArray();
        var filter = new TagSetFilter(tag => tag == Ours);
        using var reader = new SseEventReader(new TrickleStream(bytes, 65536, 1400, 9000), filter, MaxData);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var read = await ReadAllAsync(reader);

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        read.Should().ContainSingle().Which.Tag.Should().Be(Ours);
        reader.EventsSeen.Should().Be(2001);
        // One 16 KiB read buffer, the tag, and one data buffer sized for the one wanted event: never the 4 MiB returns.
        reader.MaxBufferedBytes.Should().BeLessThan(64 * 1024, "foreign data is skipped as it streams by");
        // What reading costs is per event (its tag), not per byte: 500 foreign returns of 4 MiB each (2 GiB if kept) cost
        // what small events do. Bounded per event with room, as the thread's allocations include the runner's own.
        allocated.Should().BeLessThan((reader.EventsSeen * 2048L) + (256 * 1024), "a foreign event's data is never copied");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"flood: {bytes.Length / 1048576.0:F1} MiB, {reader.EventsSeen} events in {clock.Elapsed.TotalMilliseconds:F0} ms "
            + $"({bytes.Length / 1048576.0 / clock.Elapsed.TotalSeconds:F0} MiB/s), allocated {allocated} bytes, max buffered {reader.MaxBufferedBytes} bytes");
    }

    private static async Task<List<(string Tag, byte[] Data, bool Oversized)>> ReadAllAsync(SseEventReader reader)
    {
        var read = new List<(string, byte[], bool)>();
        while (await reader.ReadAsync(Ct) is { } e)
        {
            read.Add((e.Tag, e.Data.ToArray(), e.Oversized));
        }

        return read;
    }
}
