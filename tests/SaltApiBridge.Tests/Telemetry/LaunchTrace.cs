namespace SaltApiBridge.Tests.Telemetry;

/// <summary>
/// The trace one successful launch leaves (<c>ActionTrace</c>), checked the same way for the JIT-built daemon and the
/// Native AOT executable: one trace, a consumer root in OpenTelemetry's messaging names, and its children.
/// </summary>
internal static class LaunchTrace
{
    private const int Consumer = 5;
    private const int Client = 3;
    private const int Error = 2;

    /// <summary>The spans of the launch of <paramref name="instance"/>: its root's trace, whatever else was received.</summary>
    public static IReadOnlyList<ReceivedSpan> Of(IEnumerable<ReceivedSpan> received, string instance)
    {
        var all = received.ToList();
        var root = all.SingleOrDefault(s => s.ParentSpanId.Length == 0 && Equals(s["saltapibridge.instance.id"], instance));
        return root is null ? [] : [.. all.Where(s => s.TraceId == root.TraceId)];
    }

    public static void ShouldBeALaunch(IReadOnlyList<ReceivedSpan> trace, string instance, string minion, string queue, string master, string replica)
    {
        trace.Select(s => s.TraceId).Distinct().Should().ContainSingle("one trace per lifecycle action");
        var root = trace.Should().ContainSingle(s => s.ParentSpanId.Length == 0).Subject;
        root.Name.Should().Be("process " + queue);
        root.Kind.Should().Be(Consumer);
        root.Scope.Should().Be("SaltApiBridge");
        root["messaging.system"].Should().Be("aws_sqs");
        root["messaging.operation.type"].Should().Be("process");
        root["messaging.destination.name"].Should().Be(queue);
        root["messaging.message.id"].Should().BeOfType<string>().Which.Should().NotBeEmpty();
        root["saltapibridge.message.receive_count"].Should().Be(1L);
        root["saltapibridge.instance.id"].Should().Be(instance);
        root["saltapibridge.minion.id"].Should().Be(minion);
        root["saltapibridge.lifecycle.kind"].Should().Be("Launching");
        root["saltapibridge.result"].Should().Be("CONTINUE");
        root.StatusCode.Should().NotBe(Error);
        root.Resource["service.name"].Should().Be("saltapibridge");
        root.Resource["service.instance.id"].Should().Be(replica);

        var children = trace.Where(s => s.ParentSpanId == root.SpanId).OrderBy(s => s.StartUnixNano).ToList();
        children.Select(s => s.Name).Should().Equal(["accept gate", "state run highstate", "complete lifecycle action"], "the steps of a launch, in order");
        var gate = children[0];
        gate["saltapibridge.gate.verdict"].Should().Be("Accepted");
        gate["saltapibridge.salt.master"].Should().Be(master);
        var accept = trace.Should().ContainSingle(s => s.ParentSpanId == gate.SpanId).Subject;
        accept.Name.Should().Be("accept key");
        accept.Kind.Should().Be(Client);
        accept["saltapibridge.salt.master"].Should().Be(master);
        accept["saltapibridge.key.outcome"].Should().Be("Accepted");

        var run = children[1];
        run["saltapibridge.salt.step"].Should().Be("highstate");
        run["saltapibridge.salt.master"].Should().Be(master);
        run["saltapibridge.salt.jid"].Should().BeOfType<string>().Which.Should().MatchRegex("^[0-9]{20}_[0-9a-f]{16}$");
        run["saltapibridge.salt.status"].Should().Be("Succeeded");
        var wait = trace.Should().ContainSingle(s => s.ParentSpanId == run.SpanId).Subject;
        wait.Name.Should().Be("wait for minion");
        wait["saltapibridge.minion.answered"].Should().Be(true);

        var completion = children[2];
        completion.Kind.Should().Be(Client);
        completion["rpc.system"].Should().Be("aws-api");
        completion["rpc.method"].Should().Be("CompleteLifecycleAction");
        completion["saltapibridge.lifecycle.result"].Should().Be("CONTINUE");
        completion["saltapibridge.lifecycle.action_gone"].Should().Be(false);
        trace.Should().HaveCount(6, "the root, the gate, one accept, the state run, its wait for the minion, the completion, and nothing else: {0}",
            string.Join(", ", trace.Select(s => s.Name)));
    }
}
