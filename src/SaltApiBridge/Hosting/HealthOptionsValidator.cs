using System.Net;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.Hosting;

public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        // Kestrel falls back to localhost:5000 when given no URL, so "none" is not an option.
        if (!Split(options.Urls).Any())
            problems.Add("Health:Urls is empty; give at least one loopback URL (e.g. http://127.0.0.1:9464)");
        foreach (var url in Split(options.Urls))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                problems.Add($"Health:Urls: '{url}' is not an http:// URL");
            else if (!options.AllowRemote && !IsLoopback(uri.Host))
                problems.Add($"Health:Urls: '{url}' is not a loopback address; set Health:AllowRemote to serve it elsewhere");
        }

        if (options.ReadinessCacheDuration < TimeSpan.Zero || options.ReadinessCacheDuration > TimeSpan.FromMinutes(5))
            problems.Add($"Health:ReadinessCacheDuration: {options.ReadinessCacheDuration} is outside 00:00:00 to 00:05:00");

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Split(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
