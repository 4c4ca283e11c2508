using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Cli.DryRun;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Cli;

/// <summary><c>replay --dry-run</c>'s in-process master answers in the shapes the real master's transcripts show.</summary>
public sealed class DryRunSaltMasterTests
{
    private const string Minion = "my-asg-i-0123456789abcdef0";

    private readonly DryRunSaltMaster salt = new(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1795606398)));

    [Theory]
    [InlineData("POST", "/logout", "", "39")]
    [InlineData("POST", "/hook/saltapibridge/launching", """{"minion_id": "x"}""", "26")]
    [InlineData("GET", "/jobs/20990101000000000000", "", "20")]
    public void Answer_FixedReplies_AreTheTranscriptsByteForByte(string method, string path, string body, string transcript)
    {
        var reply = salt.Answer(method, path, body);

        reply.Status.Should().Be(HttpStatusCode.OK);
        reply.Body.Should().Be(SaltApiTranscript.Load(transcript).ResponseBodyRaw);
    }

    [Fact]
    public void Answer_Login_HasTheKeysOfTranscript01()
    {
        var reply = salt.Answer("POST", "/login", """{"username": "saltapi", "password": "pw", "eauth": "file"}""");

        Keys(JsonNode.Parse(reply.Body)!).Should().Equal(Keys(JsonNode.Parse(SaltApiTranscript.Load("01").ResponseBodyRaw)!));
    }

    [Fact]
    public void Answer_KeyLifecycle_WheelEnvelopesOfTranscripts44_41_45()
    {
        salt.SetKey(Minion, "minions_pre");

        var lookup = Wheel("key.name_match", JsonValue.Create(Minion));
        var accept = Wheel("key.accept_dict", new JsonObject { ["minions_pre"] = new JsonArray(Minion) });
        var delete = Wheel("key.delete_dict", new JsonObject { ["minions"] = new JsonArray(Minion) });

        // 44 found an accepted key; the envelope is the same with the pending one.
        Keys(lookup).Select(k => k.Replace("minions_pre", "minions", StringComparison.Ordinal))
            .Should().Equal(Keys(JsonNode.Parse(SaltApiTranscript.Load("44").ResponseBodyRaw)!));
        lookup["return"]![0]!["data"]!["return"]!.ToJsonString().Should().Be($$"""{"minions_pre":["{{Minion}}"]}""");
        accept["return"]![0]!["data"]!["return"]!.ToJsonString().Should().Be(
            JsonNode.Parse(SaltApiTranscript.Load("41").ResponseBodyRaw)!["return"]![0]!["data"]!["return"]!.ToJsonString());
        Keys(delete).Should().Equal(Keys(JsonNode.Parse(SaltApiTranscript.Load("45").ResponseBodyRaw)!));
        Wheel("key.name_match", JsonValue.Create(Minion))["return"]![0]!["data"]!["return"]!.ToJsonString().Should().Be("{}");
    }

    [Fact]
    public void Answer_PingPublishAndJob_AsTranscripts10_47_16()
    {
        salt.SetKey(Minion, "minions");

        var ping = salt.Answer("POST", "/", $$"""[{"client": "local", "tgt": ["{{Minion}}"], "tgt_type": "list", "fun": "test.ping"}]""");
        var publish = salt.Answer("POST", "/", $$"""[{"client": "local_async", "tgt": ["{{Minion}}"], "tgt_type": "list", "fun": "state.highstate", "jid": "20261129144256000001"}]""");
        var job = JsonNode.Parse(salt.Answer("GET", "/jobs/20261129144256000001", "").Body)!;

        ping.Body.Should().Be(SaltApiTranscript.Load("10").ResponseBodyRaw);
        publish.Body.Should().Be(SaltApiTranscript.Load("47").ResponseBodyRaw);
        var captured = JsonNode.Parse(SaltApiTranscript.Load("16").ResponseBodyRaw)!;
        job["info"]![0]!.AsObject().Select(kv => kv.Key).Should().Equal(captured["info"]![0]!.AsObject().Select(kv => kv.Key));
        job["info"]![0]!["Result"]![Minion]!.AsObject().Select(kv => kv.Key).Should().Equal(captured["info"]![0]!["Result"]![Minion]!.AsObject().Select(kv => kv.Key));
        job["info"]![0]!["Result"]![Minion]!["success"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void Answer_UnknownClient_400Html()
    {
        var reply = salt.Answer("POST", "/", """[{"client": "ssh", "tgt": "x", "fun": "test.ping"}]""");

        reply.Status.Should().Be(HttpStatusCode.BadRequest);
        reply.ContentType.Should().Be(SaltApiTranscript.Load("30").ResponseHeader("Content-Type"));
    }

    private JsonNode Wheel(string fun, JsonNode match) =>
        JsonNode.Parse(salt.Answer("POST", "/", new JsonArray(new JsonObject { ["client"] = "wheel", ["fun"] = fun, ["match"] = match }).ToJsonString()).Body)!;

    /// <summary>Every key path, in order, values left out.</summary>
    private static List<string> Keys(JsonNode node) => node switch
    {
        JsonObject obj => [.. obj.SelectMany(kv => new[] { kv.Key }.Concat(kv.Value is null ? [] : Keys(kv.Value).Select(k => kv.Key + "." + k)))],
        JsonArray array => [.. array.SelectMany((item, i) => item is null ? [] : Keys(item).Select(k => $"{i}.{k}"))],
        _ => [],
    };
}
