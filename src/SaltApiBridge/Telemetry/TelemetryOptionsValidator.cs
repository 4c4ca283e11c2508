using Microsoft.Extensions.Options;

namespace SaltApiBridge.Telemetry;

/// <summary>Lists every problem of the "Telemetry" section at once.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && options.ExportEndpoint() is null)
            problems.Add($"Telemetry:OtlpEndpoint '{options.OtlpEndpoint}' must be an absolute http(s) URL of an OTLP collector (e.g. http://127.0.0.1:4318)");
        if (!Enum.IsDefined(options.OtlpProtocol))
            problems.Add("Telemetry:OtlpProtocol must be HttpProtobuf or Grpc");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
