namespace SaltApiBridge.Simulation;

/// <summary>
/// What the simulated salt-api sends back: status, headers in order, body text. <see cref="StallMidway"/> and
/// <see cref="ResetMidway"/> send the first half of the body, then hold the rest back or reset the connection (faults
/// after the headers, which a status or a delay before them cannot show).
/// </summary>
internal sealed record SaltApiReply(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>How long the second half of the body waits (real time) after the first half is sent; zero: no stall.</summary>
    public TimeSpan StallMidway { get; init; }

    /// <summary>Whether the connection is reset after the first half of the body.</summary>
    public bool ResetMidway { get; init; }

    /// <summary>A reply with CherryPy's headers for <paramref name="contentType"/> (tests' fault replies).</summary>
    public static SaltApiReply Page(int status, string body, string contentType = "text/html;charset=utf-8") =>
        new(status, [new("Content-Type", contentType), new("Server", "CherryPy/18.8.0")], body);

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
