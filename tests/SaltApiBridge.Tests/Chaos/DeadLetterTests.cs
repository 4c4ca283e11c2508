using System.Text;
using SaltApiBridge.Tests.Fixtures;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// An action Auto Scaling never accepts a completion for (it answers 500 every time): the daemon leaves the message for
/// redelivery, backs off, and the queue's redrive policy — which fauxqs honours — moves it to the dead-letter queue,
/// where the retry lines naming it explain why. Its neighbours are not held up.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DeadLetterTests(FauxqsServer fauxqs)
{
    private const int MaxReceiveCount = 2;

    [Fact]
    public async Task Run_ActionThatCanNeverBeCompleted_EndsInTheDeadLetterQueueWithALoggedReason()
    {
        await using var run = new ChaosRun(fauxqs, "dead-letter");
        await run.CreateQueuesAsync(MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 5, rate: 0, ChaosSettings.Stall);
        var poison = ChaosMessages.Launch(500);
        run.AutoScaling.Interceptor = request =>
            request.Body?.Contains("CompleteLifecycleAction", StringComparison.Ordinal) == true && request.Body.Contains(poison.Token!, StringComparison.Ordinal)
                ? InternalFailure()
                : null;
        await using var daemon = await run.StartDaemonAsync();

        var sent = await run.SendAsync([poison, ChaosMessages.Launch(501), ChaosMessages.Terminate(502)]);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(30));

        var record = await run.RecordAsync(daemon.Logs.Lines, faults);
        ChaosSettings.Report("dead-letter queue", ChaosRun.Summary(record, faults, run.Elapsed));
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Select(d => d.MessageId).Should().Equal([sent[0].MessageId], "fauxqs moves a message received more than maxReceiveCount times, keeping its id");
        record.LogLines.Count(l => l.Contains($"(message {sent[0].MessageId}, receive", StringComparison.Ordinal) && l.Contains("will be retried", StringComparison.Ordinal))
            .Should().Be(MaxReceiveCount, "each receive ended in a logged retry");
    }

    private static ResponseMessage InternalFailure()
    {
        var response = new ResponseMessage
        {
            StatusCode = 500,
            BodyData = new BodyData
            {
                BodyAsString = """<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>We encountered an internal error. Please try again.</Message></Error><RequestId>c0ffee00-0000-4000-8000-000000000500</RequestId></ErrorResponse>""",
                DetectedBodyType = BodyType.String,
                Encoding = Encoding.UTF8,
            },
        };
        response.AddHeader("Content-Type", "text/xml");
        return response;
    }
}
