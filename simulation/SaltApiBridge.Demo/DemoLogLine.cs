using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Demo;

/// <summary>One line of the daemon's log in a demo run, as its console formats it (without the timestamp).</summary>
internal sealed record DemoLogLine(LogLevel Level, string Text);
