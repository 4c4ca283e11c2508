namespace SaltApiBridge.Tests.Chaos;

/// <summary>What the chaos suite does to one salt-api exchange.</summary>
internal enum SaltFault
{
    /// <summary>500 with CherryPy's HTML error page; the master did nothing.</summary>
    ServerErrorHtml,

    /// <summary>No answer within the client's attempt timeout; the master never acts on it.</summary>
    TimeoutNotActed,

    /// <summary>No answer within the client's attempt timeout; the master acts on it late (a job published, a key moved).</summary>
    TimeoutActedLate,

    /// <summary>The master acted; its 200 arrives, but the body stalls half-way for longer than the attempt timeout.</summary>
    SlowBody,

    /// <summary>The master acted; the connection is reset half-way through the reply's body.</summary>
    ConnectionReset,

    /// <summary>A 200 whose body is an HTML page instead of JSON; the master did nothing.</summary>
    HtmlInsteadOfJson,

    /// <summary>401 with the captured "No permission" page (transcript 28): the token expired or was cleared.</summary>
    ExpiredToken,

    /// <summary>A 200 whose JSON breaks off into garbage; the master did nothing.</summary>
    MalformedJson,
}
