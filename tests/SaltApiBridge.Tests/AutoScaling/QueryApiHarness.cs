using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Salt.Events;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// The real registration (AddAutoScalingLifecycleActions) against WireMock on 127.0.0.1, with fixed credentials,
/// a fake clock and recorded logs.
/// </summary>
internal sealed class QueryApiHarness : IAsyncDisposable
{
    public const string Region = "eu-west-1";

    private readonly ServiceProvider services;

    public QueryApiHarness(IAwsCredentialsSource credentials, FakeTimeProvider time, string? serviceUrl = null)
    {
        Time = time;
        Server = WireMockServer.Start($"http://127.0.0.1:{LoopbackPort.Free()}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AutoScaling:Region"] = Region,
            ["AutoScaling:ServiceUrl"] = serviceUrl ?? Server.Url!,
            ["AutoScaling:MaxRetryAttempts"] = "3",
            // Backoff itself is Polly's business; zero keeps these tests off the clock.
            ["AutoScaling:RetryBaseDelay"] = "00:00:00",
        }).Build();

        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        collection.AddSingleton<TimeProvider>(time);
        collection.AddSingleton(Metrics.Factory);
        collection.AddSingleton(credentials);
        collection.AddAutoScalingLifecycleActions(configuration);
        services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public WireMockServer Server { get; }

    public FakeTimeProvider Time { get; }

    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>The counters of this harness's clients (their own meter factory).</summary>
    public MetricRecorder Metrics { get; } = new();

    public ILifecycleActionClient Client => services.GetRequiredService<ILifecycleActionClient>();

    public IAutoScalingInventory Inventory => services.GetRequiredService<IAutoScalingInventory>();

    public HeartbeatKeeper Heartbeats => services.GetRequiredService<HeartbeatKeeper>();

    /// <summary>Answers POST / whose form names <paramref name="action"/> (and, if given, contains <paramref name="field"/>).</summary>
    public void RespondTo(string action, int status, string body, string? field = null) =>
        Server.Given(Request.Create().WithPath("/").UsingPost().WithBody((string? form) =>
                form is not null && form.Contains("Action=" + action, StringComparison.Ordinal)
                && (field is null || form.Contains(field, StringComparison.Ordinal))))
            .AtPriority(field is null ? 10 : 1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "text/xml").WithBody(body));

    public IReadOnlyList<ILogEntry> Requests => [.. Server.LogEntries];

    public static string Success(string action) =>
        $"""<{action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><{action}Result/><ResponseMetadata><RequestId>7c6e177f-f082-11e1-ac58-3714bEXAMPLE</RequestId></ResponseMetadata></{action}Response>""";

    public static string Error(string code, string message, string type = "Sender") =>
        $"""<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>{type}</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>b3c1b5a7-1111-2222-3333-444455556666</RequestId></ErrorResponse>""";

    /// <summary>Answers POST / with these responses in turn; the last one repeats.</summary>
    public void RespondInSequence(params (int Status, string Body)[] answers)
    {
        for (var i = 0; i < answers.Length; i++)
        {
            var mapping = Server.Given(Request.Create().WithPath("/").UsingPost()).InScenario("sequence");
            if (i > 0)
            {
                mapping = mapping.WhenStateIs($"answer{i}");
            }

            if (i < answers.Length - 1)
            {
                mapping = mapping.WillSetStateTo($"answer{i + 1}");
            }

            mapping.RespondWith(Response.Create()
                .WithStatusCode(answers[i].Status)
                .WithHeader("Content-Type", "text/xml")
                .WithBody(answers[i].Body));
        }
    }


    public static string Header(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.Single(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    public static bool HasHeader(ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers!.Any(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The form fields as sent; a repeated field would fail the dictionary build.</summary>
    public static Dictionary<string, string> Form(ILogEntry entry) =>
        entry.RequestMessage!.Body!.Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => WebUtility.UrlDecode(kv[0]), kv => WebUtility.UrlDecode(kv[1]));

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        Metrics.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}
