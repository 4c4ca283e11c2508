using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Lifecycle;

/// <summary>
/// Generated hostile inputs: whatever arrives, parsing and planning never throw, and a plan that acts targets one
/// exact minion id built from a validated group and instance id — never anything a glob or list could widen.
/// Seeded, so a failure reproduces.
/// </summary>
public sealed class HostileMessageTests
{
    private const int Cases = 3000;

    private static readonly string[] Pieces =
    [
        "*", "web-*", "?", "[a-z]", "]", ",", "a;rm -rf /", "$(x)", "`id`", "\n", "\r\n", "\t", " ", "/", "\\", "..", ".",
        "-", "\"", "'", "{group}", "{{ pillar }}", "|", "&", "<", ">", "\0", "\u0007", "\u2010", "\u0430", "\uFF0A", "\u202E",
        "\uD800", "web", "prod", "i-0123456789abcdef0", "i-12345678", "G", "0", "_", ":", "@", "%", "=", "é",
    ];

    private static readonly ActionPlanner Planner = new(new BridgeOptions());

    [Fact]
    public void Plan_GeneratedHostileNamesInEveryFormat_NeverTargetsAnythingButOneExactId()
    {
        var random = new Random(20261125);
        var acted = 0;
        for (var i = 0; i < Cases; i++)
        {
            var group = RandomName(random);
            var instance = random.Next(3) == 0 ? RandomName(random) : RandomInstanceId(random);
            var hook = RandomName(random);
            var body = RandomFormat(random, group, instance, hook);

            var result = LifecycleMessageParser.Parse(body);
            if (!result.IsSuccess)
            {
                result.RejectReason.Should().NotBeNullOrWhiteSpace();
                continue;
            }

            var plan = Planner.Plan(result.Event);
            if (plan.Verdict != PlanVerdict.Act)
            {
                if (plan.Verdict == PlanVerdict.Reject)
                    plan.Reason.Should().NotBeNullOrWhiteSpace();
                continue;
            }

            acted++;
            AssertExactTarget(plan, group, instance);
        }

        // The generator must reach both sides, or the assertions above prove nothing.
        acted.Should().BeGreaterThan(Cases / 100);
    }

    [Fact]
    public void Parse_TruncatedFixtures_NeverThrow()
    {
        foreach (var file in MessageFixtures.All())
        {
            var text = MessageFixtures.Read(file);
            for (var length = 0; length < text.Length; length += Math.Max(1, text.Length / 97))
            {
                var result = LifecycleMessageParser.Parse(text[..length]);
                if (result.IsSuccess)
                    Planner.Plan(result.Event).Should().NotBeNull();
            }
        }
    }

    [Fact]
    public void Parse_FixturesWithFieldsOfWrongTypes_AreRejectedNotThrown()
    {
        JsonNode[] replacements = [JsonValue.Create(42)!, JsonValue.Create(true)!, new JsonArray(), new JsonObject(), JsonValue.Create(1e308)!];
        var rejected = 0;
        foreach (var file in MessageFixtures.All())
        {
            var original = JsonNode.Parse(MessageFixtures.Read(file))!.AsObject();
            foreach (var name in original.Select(p => p.Key).ToList())
            {
                foreach (var replacement in replacements)
                {
                    var mutated = original.DeepClone().AsObject();
                    mutated[name] = replacement.DeepClone();
                    var result = LifecycleMessageParser.Parse(mutated.ToJsonString());
                    if (!result.IsSuccess)
                        rejected++;
                    else
                        Planner.Plan(result.Event).Should().NotBeNull();
                }
            }
        }

        rejected.Should().BeGreaterThan(50);
    }

    [Fact]
    public void Parse_RandomJson_NeverThrows()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var node = RandomNode(random, depth: 0);
            var result = LifecycleMessageParser.Parse(node?.ToJsonString() ?? "null");
            if (result.IsSuccess)
                Planner.Plan(result.Event).Should().NotBeNull();
        }
    }

    [Fact]
    public void Parse_RandomBytesAsText_NeverThrows()
    {
        var random = new Random(11);
        var buffer = new byte[256];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(buffer);
            var text = Encoding.UTF8.GetString(buffer, 0, random.Next(buffer.Length));
            LifecycleMessageParser.Parse(random.Next(2) == 0 ? text : "{\"Event\":\"" + text + "\"}").Should().NotBeNull();
        }
    }

    private static void AssertExactTarget(ActionPlan plan, string group, string instance)
    {
        plan.MinionId.Should().Be(group + "-" + instance, "the minion id is the group and instance, nothing else");
        // A plan the Salt client would refuse would fail only after events were fired, and be retried into the dead-letter queue.
        SaltNames.IsExactMinionId(plan.MinionId).Should().BeTrue($"the Salt client must accept every id the planner accepts ('{plan.MinionId}')");
        NameRules.IsValidInstanceId(instance).Should().BeTrue();
        foreach (var c in plan.MinionId!)
        {
            c.Should().BeInRange('!', '~', "minion ids are printable ASCII");
            "*?[],/\\\"'`{}<>|;&".Should().NotContain(c.ToString(), "no glob, list, path or quoting character reaches Salt");
        }
    }

    private static string RandomName(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(1, 5);
        for (var i = 0; i < count; i++)
            builder.Append(Pieces[random.Next(Pieces.Length)]);
        return builder.ToString();
    }

    private static string RandomInstanceId(Random random)
    {
        var length = random.Next(2) == 0 ? 8 : 17;
        var builder = new StringBuilder("i-");
        for (var i = 0; i < length; i++)
            builder.Append("0123456789abcdef"[random.Next(16)]);
        return builder.ToString();
    }

    private static string RandomFormat(Random random, string group, string instance, string hook)
    {
        var hookBody = new JsonObject
        {
            ["LifecycleTransition"] = random.Next(2) == 0 ? "autoscaling:EC2_INSTANCE_LAUNCHING" : "autoscaling:EC2_INSTANCE_TERMINATING",
            ["AutoScalingGroupName"] = group,
            ["EC2InstanceId"] = instance,
            ["LifecycleHookName"] = hook,
            ["LifecycleActionToken"] = Guid.NewGuid().ToString(),
        };
        switch (random.Next(4))
        {
            case 0:
                return hookBody.ToJsonString();
            case 1:
                return new JsonObject { ["Type"] = "Notification", ["TopicArn"] = "arn:t", ["MessageId"] = "m", ["Message"] = hookBody.ToJsonString() }.ToJsonString();
            case 2:
                return new JsonObject
                {
                    ["Event"] = "autoscaling:EC2_INSTANCE_TERMINATE",
                    ["AutoScalingGroupName"] = group,
                    ["EC2InstanceId"] = instance,
                }.ToJsonString();
            default:
                hookBody.Remove("LifecycleTransition");
                return new JsonObject
                {
                    ["detail-type"] = "EC2 Instance-launch Lifecycle Action",
                    ["source"] = "aws.autoscaling",
                    ["id"] = "e",
                    ["detail"] = hookBody,
                }.ToJsonString();
        }
    }

    private static JsonNode? RandomNode(Random random, int depth)
    {
        string[] keys = ["Event", "LifecycleTransition", "detail-type", "source", "detail", "Type", "Message", "TopicArn", "Body", "ReceiptHandle", "AutoScalingGroupName", "EC2InstanceId", "LifecycleHookName"];
        switch (depth > 4 ? random.Next(4) : random.Next(6))
        {
            case 0: return JsonValue.Create(random.Next());
            case 1: return JsonValue.Create(Pieces[random.Next(Pieces.Length)]);
            case 2: return null;
            case 3: return JsonValue.Create(random.Next(2) == 0);
            case 4:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                    array.Add(RandomNode(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(6); i > 0; i--)
                    obj[keys[random.Next(keys.Length)]] = RandomNode(random, depth + 1);
                return obj;
        }
    }

    [Theory]
    [InlineData("$(reboot)")]
    [InlineData("org-staging-docker-asg-$INSTANCE_ID")]
    [InlineData("web!")]
    [InlineData("web#1")]
    [InlineData("50%")]
    [InlineData("a=b")]
    [InlineData("a+b")]
    [InlineData("~root")]
    [InlineData("web:prod")]
    [InlineData("web^")]
    [InlineData("web(1)")]
    public void Plan_GroupWithShellCharacters_RejectedBeforeAnythingIsCalled(string group)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["LifecycleTransition"] = "autoscaling:EC2_INSTANCE_LAUNCHING",
            ["AutoScalingGroupName"] = group,
            ["EC2InstanceId"] = "i-0123456789abcdef0",
            ["LifecycleHookName"] = "provision",
            ["LifecycleActionToken"] = "5f1c6a2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e",
        });

        var plan = Planner.Plan(LifecycleMessageParser.Parse(body).Event!);

        plan.Verdict.Should().Be(PlanVerdict.Reject);
        plan.Reason.Should().StartWith($"minion id '{group}-i-0123456789abcdef0' contains ");
    }

    /// <summary>
    /// An unpaired surrogate written as a JSON escape (\ud800) is valid JSON and valid SQS text, but no .NET string:
    /// reading it must reject the message, not throw (which would retry it into the dead-letter queue).
    /// </summary>
    [Theory]
    [InlineData("""{"LifecycleTransition":"autoscaling:EC2_INSTANCE_LAUNCHING","AutoScalingGroupName":"web\ud800","EC2InstanceId":"i-0123456789abcdef0","LifecycleHookName":"h","LifecycleActionToken":"5f1c6a2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e"}""")]
    [InlineData("""{"LifecycleTransition":"autoscaling:EC2_INSTANCE_LAUNCHING","AutoScalingGroupName":"web","EC2InstanceId":"i-0123456789abcdef0","LifecycleHookName":"h","LifecycleActionToken":"\udc00"}""")]
    [InlineData("""{"Event":"autoscaling:EC2_INSTANCE_TERMINATE","AutoScalingGroupName":"web","EC2InstanceId":"i-0123456789abcdef0","Time":"\ud800"}""")]
    [InlineData("""{"Type":"Notification","TopicArn":"arn:\ud800","MessageId":"m","Message":"{}"}""")]
    [InlineData("""{"Type":"Notification","TopicArn":"arn:t","MessageId":"m","Message":"{\"Event\":\"\ud800\"}"}""")]
    [InlineData("""{"detail-type":"EC2 Instance-launch Lifecycle Action","source":"aws.autoscaling","id":"\ud800","detail":{}}""")]
    [InlineData("""{"Body":"\ud800","ReceiptHandle":"r"}""")]
    public void Parse_UnpairedSurrogateEscape_RejectedNotThrown(string body)
    {
        var result = LifecycleMessageParser.Parse(body);

        result.IsSuccess.Should().BeFalse();
        result.RejectReason.Should().Contain("not valid Unicode");
    }

    [Fact]
    public void Parse_JsonSerializedHostileStrings_RoundTripAsData()
    {
        // A name that is itself JSON must stay a string, never become structure.
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Event"] = "autoscaling:EC2_INSTANCE_TERMINATE",
            ["AutoScalingGroupName"] = "\",\"EC2InstanceId\":\"i-99999999",
            ["EC2InstanceId"] = "i-12345678",
        });

        var plan = Planner.Plan(LifecycleMessageParser.Parse(body).Event!);

        plan.Verdict.Should().Be(PlanVerdict.Reject);
    }
}
