using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using SaltApiBridge.Hosting;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Tests.Telemetry;

/// <summary>Tracing is off unless Telemetry:OtlpEndpoint is set; JSON log lines carry the action's scope.</summary>
public sealed class TelemetryTests
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

    private static Microsoft.AspNetCore.Builder.WebApplication Build(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(Valid);
        foreach (var (key, value) in extra)
            settings[key] = value;
        return BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(settings));
    }

    [Fact]
    public async Task Build_NoOtlpEndpoint_NoOpenTelemetryAtAll()
    {
        await using var app = Build();

        app.Services.GetService<TracerProvider>().Should().BeNull("without an endpoint nothing listens, and no span is ever created");
    }

    [Fact]
    public async Task Build_OtlpEndpointSet_TracerProviderOverTheBridgesSource()
    {
        await using var app = Build(("Telemetry:OtlpEndpoint", "http://127.0.0.1:4318"));

        app.Services.GetService<TracerProvider>().Should().NotBeNull();
        BridgeHost.ConfigurationProblems(app.Services).Should().BeEmpty();
    }

    [Theory]
    [InlineData("ftp://collector:21", "Telemetry:OtlpEndpoint 'ftp://collector:21' must be an absolute http(s) URL of an OTLP collector (e.g. http://127.0.0.1:4318)")]
    [InlineData("collector:4318", "Telemetry:OtlpEndpoint 'collector:4318' must be an absolute http(s) URL of an OTLP collector (e.g. http://127.0.0.1:4318)")]
    public async Task ConfigurationProblems_EndpointNotAnHttpUrl_Listed(string endpoint, string problem)
    {
        await using var app = Build(("Telemetry:OtlpEndpoint", endpoint));

        BridgeHost.ConfigurationProblems(app.Services).Should().Equal(problem);
        app.Services.GetService<TracerProvider>().Should().BeNull();
    }

    [Fact]
    public async Task ConfigurationProblems_MisspeltKey_NamesTheSetting()
    {
        await using var app = Build(("Telemetry:OtlpEndpiont", "http://127.0.0.1:4318"));

        BridgeHost.ConfigurationProblems(app.Services).Should().Equal(
            "Telemetry:OtlpEndpiont is not a setting of the Telemetry section; did you mean Telemetry:OtlpEndpoint?");
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318", OtlpExportProtocol.HttpProtobuf, "http://127.0.0.1:4318/v1/traces")]
    [InlineData("http://127.0.0.1:4318/", OtlpExportProtocol.HttpProtobuf, "http://127.0.0.1:4318/v1/traces")]
    [InlineData("https://otel.example.com/custom/traces", OtlpExportProtocol.HttpProtobuf, "https://otel.example.com/custom/traces")]
    [InlineData("http://127.0.0.1:4317", OtlpExportProtocol.Grpc, "http://127.0.0.1:4317/")]
    public void ExportEndpoint_ABaseUrlForHttpProtobuf_GetsTheTracesPath(string configured, OtlpExportProtocol protocol, string expected)
    {
        new TelemetryOptions { OtlpEndpoint = configured, OtlpProtocol = protocol }.ExportEndpoint().Should().Be(new Uri(expected));
    }

    [Fact]
    public async Task Build_JsonConsole_LinesCarryTheirScopesThePlainOnesDoNot()
    {
        await using var app = Build(("Logging:Console:FormatterName", "json"));

        app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes.Should().BeTrue();
        app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes.Should().BeFalse(
            "a plain line stays one short line; it names instance and minion already");
    }

    [Fact]
    public async Task Build_JsonConsoleScopesTurnedOff_TheOperatorWins()
    {
        await using var app = Build(("Logging:Console:FormatterName", "json"), ("Logging:Console:FormatterOptions:IncludeScopes", "false"));

        app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes.Should().BeFalse();
    }
}
