using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Tests.Hosting;

public sealed class BridgeHostTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Queue:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/saltapibridge",
        ["Queue:Region"] = "eu-west-1",
        ["SaltApi:Username"] = "saltapi",
        ["SaltApi:Password"] = "secret",
        ["AutoScaling:Region"] = "eu-west-1",
        ["Health:Urls"] = "http://127.0.0.1:0",
    };

    [Fact]
    public async Task ConfigurationProblems_ValidConfiguration_None()
    {
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(Valid));

        BridgeHost.ConfigurationProblems(app.Services).Should().BeEmpty();
    }

    [Fact]
    public async Task Build_DefaultLogging_SingleLineUtcTimestampsAndHttpChatterAtWarning()
    {
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(Valid));

        var console = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        console.FormatterName.Should().Be(BridgeLogging.UnderSystemd ? ConsoleFormatterNames.Systemd : ConsoleFormatterNames.Simple);
        var simple = app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        simple.SingleLine.Should().BeTrue();
        simple.UseUtcTimestamp.Should().BeTrue();
        simple.TimestampFormat.Should().Be(BridgeLogging.TimestampFormat);
        var factory = app.Services.GetRequiredService<ILoggerFactory>();
        factory.CreateLogger("System.Net.Http.HttpClient.Refit.Implementation.Generated.LogicalHandler").IsEnabled(LogLevel.Information).Should().BeFalse();
        factory.CreateLogger("Polly").IsEnabled(LogLevel.Information).Should().BeFalse();
        factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information).Should().BeFalse();
        factory.CreateLogger("SaltApiBridge.Pipeline.LifecyclePipeline").IsEnabled(LogLevel.Information).Should().BeTrue();
        factory.CreateLogger("SaltApiBridge.Pipeline.LifecyclePipeline").IsEnabled(LogLevel.Debug).Should().BeFalse();
    }

    [Theory]
    [InlineData(true, null, ConsoleFormatterNames.Systemd)]
    [InlineData(false, null, ConsoleFormatterNames.Simple)]
    [InlineData(true, "json", ConsoleFormatterNames.Json)]
    public void AddBridgeConsole_UnderSystemdOrNot_JournaldFormatOrTimestampedLinesJsonWhenConfigured(bool underSystemd, string? configured, string expected)
    {
        var settings = configured is null ? [] : new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = configured };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging(logging => logging.AddBridgeConsole(configuration, underSystemd)).BuildServiceProvider();

        services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().Be(expected);
    }

    [Fact]
    public async Task Build_JsonFormatter_EveryLineCarriesAUtcIsoTimestamp()
    {
        var settings = new Dictionary<string, string?>(Valid) { ["Logging:Console:FormatterName"] = "json" };
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(settings));

        var line = JsonLine(app.Services);

        line.GetProperty("Timestamp").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
    }

    [Fact]
    public async Task Build_JsonTimestampFormatConfigured_WinsOverTheDefault()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm",
        };
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(settings));

        JsonLine(app.Services).GetProperty("Timestamp").GetString().Should().MatchRegex(@"^\d\d:\d\d$");
    }

    /// <summary>One line as the console's JSON formatter writes it.</summary>
    private static JsonElement JsonLine(IServiceProvider services)
    {
        var json = services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        using var text = new StringWriter();
        json.Write(new LogEntry<string>(LogLevel.Information, "SaltApiBridge.Tests", new EventId(1), "a line", null, (state, _) => state), null, text);
        return JsonDocument.Parse(text.ToString()).RootElement.Clone();
    }

    [Fact]
    public async Task Build_LevelsAndJsonFormatterInConfiguration_OverrideTheDefaults()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Polly"] = "Information",
        };
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(settings));

        app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().Be(ConsoleFormatterNames.Json);
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Polly").IsEnabled(LogLevel.Information).Should().BeTrue();
    }

    [Fact]
    public async Task ConfigurationProblems_SeveralSectionsWrong_ListsEveryProblemAtOnce()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Queue:QueueUrl"] = null,
            ["SaltApi:BaseUrl"] = "http://10.0.0.5:8000",
            ["Pipeline:StepAttempts"] = "0",
            ["Bridge:MinionIdTemplate"] = "{group}",
            ["Pipeline:MaxInstancesInFlight"] = "32",
        };
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(settings));

        var problems = BridgeHost.ConfigurationProblems(app.Services);

        problems.Should().HaveCountGreaterThanOrEqualTo(5);
        problems.Should().Contain(p => p.StartsWith("Queue", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("loopback", StringComparison.OrdinalIgnoreCase))
            .And.Contain(p => p.Contains("StepAttempts", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("MinionIdTemplate", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("MaxInstancesInFlight", StringComparison.Ordinal), "a misspelt key is reported, not ignored");
        problems.Should().NotContain(p => p.Contains("secret", StringComparison.Ordinal), "the password never appears in an error");
    }

    [Fact]
    public async Task ConfigurationProblems_NoAutoScalingRegionAnywhere_ListedInsteadOfThrownLater()
    {
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(Valid), services =>
            services.Replace(ServiceDescriptor.Singleton(_ => AutoScalingEndpoint.Resolve(new AutoScalingOptions(), sdkRegion: () => null))));

        BridgeHost.ConfigurationProblems(app.Services).Should().ContainSingle()
            .Which.Should().Contain("AutoScaling:Region is not set");
    }
}
