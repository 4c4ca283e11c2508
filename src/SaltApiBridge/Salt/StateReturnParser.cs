using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SaltApiBridge.Salt;

/// <summary>
/// Reads one minion's entry of a finished job, <c>info[0].Result.&lt;id&gt; = {return, retcode, success}</c>, into a
/// verdict. <c>return</c> is a dict of states for a rendered run, a list of strings when the run did not render
/// (render errors, "No Top file…"), or a string. State entries may carry extra job-level keys (<c>retcode</c>,
/// <c>return</c>, <c>success</c>, … seen in the job cache of Salt 3006.10); only <c>result</c>, <c>comment</c> and
/// <c>__run_num__</c> are read.
/// </summary>
internal static partial class StateReturnParser
{
    private const int MaxCommentLength = 1000;

    public static StateRunResult Parse(string jid, JsonElement minionResult)
    {
        if (minionResult.ValueKind != JsonValueKind.Object || !minionResult.TryGetProperty("return", out var ret))
        {
            return Failed(jid, [], "the minion's return has no 'return' field");
        }

        int? retcode = minionResult.TryGetProperty("retcode", out var rc) && rc.ValueKind == JsonValueKind.Number
            && rc.TryGetInt32(out var code) ? code : null;

        switch (ret.ValueKind)
        {
            case JsonValueKind.Object:
                return FromStates(jid, ret, retcode);
            case JsonValueKind.Array:
                var messages = ret.EnumerateArray().Select(Text).Where(m => m.Length > 0).ToList();
                if (messages.Count > 0 && messages.All(m => AnotherRun().IsMatch(m)))
                {
                    // state.* refuses to start beside a running state run (salt/modules/state.py, running()): nothing ran.
                    var running = AnotherRun().Match(messages[0]).Groups["jid"].Value;
                    return new StateRunResult(StateRunStatus.AnotherRunInProgress, jid, [], Truncate(messages[0]), running);
                }

                return Failed(jid, [], messages.Count == 0 ? "the state run returned an empty list" : string.Join("; ", messages));
            case JsonValueKind.String:
                return Failed(jid, [], ret.GetString() ?? "");
            default:
                return Failed(jid, [], $"the state run returned {ret.ValueKind}");
        }
    }

    private static StateRunResult FromStates(string jid, JsonElement states, int? retcode)
    {
        var total = 0;
        var failed = new List<(int RunNum, FailedState State)>();
        foreach (var state in states.EnumerateObject())
        {
            total++;
            if (state.Value.ValueKind != JsonValueKind.Object)
            {
                failed.Add((int.MaxValue, new FailedState(state.Name, Truncate(Text(state.Value)))));
                continue;
            }

            if (state.Value.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            var runNum = state.Value.TryGetProperty("__run_num__", out var n) && n.TryGetInt32(out var r) ? r : int.MaxValue;
            var comment = state.Value.TryGetProperty("comment", out var c) ? Truncate(Text(c)) : null;
            failed.Add((runNum, new FailedState(state.Name, comment)));
        }

        var failedStates = failed.OrderBy(f => f.RunNum).Select(f => f.State).ToList();
        if (failedStates.Count > 0)
        {
            return Failed(jid, failedStates, $"{failedStates.Count} of {total} states failed");
        }

        if (retcode is { } code && code != 0)
        {
            return Failed(jid, [], $"every state succeeded but the retcode is {code.ToString(CultureInfo.InvariantCulture)}");
        }

        return new StateRunResult(StateRunStatus.Succeeded, jid, [], $"{total} states succeeded");
    }

    private static StateRunResult Failed(string jid, IReadOnlyList<FailedState> states, string message) =>
        new(StateRunStatus.Failed, jid, states, message);

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Array => string.Join("; ", value.EnumerateArray().Select(Text)),
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    /// <summary>The refusal's text as Salt 3006 writes it (transcript 49); "started at" is empty for a suffixed jid.</summary>
    [GeneratedRegex("^The function \"[^\"]+\" is running as PID [0-9]+ and was started at .* with jid (?<jid>[^ ]+)$")]
    private static partial Regex AnotherRun();

    private static string Truncate(string text) => text.Length <= MaxCommentLength ? text : text[..MaxCommentLength] + "…";
}
