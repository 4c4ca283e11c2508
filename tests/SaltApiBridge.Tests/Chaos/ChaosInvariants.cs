using System.Text.Json;
using System.Text.Json.Nodes;
using SaltApiBridge.Salt;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// The invariants every chaos scenario must leave intact, checked over the record of a run: what salt-api and Auto
/// Scaling were asked, what is left in the queues, and what the daemon logged. Each broken invariant becomes one line
/// naming the invariant and the message, minion or log line concerned.
/// </summary>
internal static class ChaosInvariants
{
    private const string Complete = "CompleteLifecycleAction";

    public static IReadOnlyList<string> Check(ChaosRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var broken = new List<string>();
        ActionsCompletedOnceWithTheRightResult(record, broken);
        NoMessageLost(record, broken);
        NoKeyAcceptedForARejectedMessage(record, broken);
        SaltCallsTargetOneExactMinion(record, broken);
        NoSecretInTheLogs(record, broken);
        NothingDeletedBeforeItsWorkWasDone(record, broken);
        AtMostOneStateRunPerAction(record, broken);
        return broken;
    }

    /// <summary>
    /// A minion started no more highstates than it had launches, and no more clean-ups than terminating hooks (each
    /// action counted once, however often its message came): a retried publish repeats its jid, which runs once.
    /// </summary>
    private static void AtMostOneStateRunPerAction(ChaosRecord record, List<string> broken)
    {
        const string invariant = "at most one state run per lifecycle action";
        int Actions(string minion, bool launch) => record.Sent
            .Where(s => s.Message.Expect == Expectation.CompleteAction && s.Message.MinionId == minion && s.Message.Launch == launch)
            .Select(s => s.Message.Token).Distinct().Count();
        foreach (var (minion, (highstates, cleanups)) in record.StateRunsStarted)
        {
            if (highstates > Actions(minion, launch: true))
                broken.Add($"{invariant}: {minion} started {highstates} highstates for {Actions(minion, launch: true)} launches");
            if (cleanups > Actions(minion, launch: false))
                broken.Add($"{invariant}: {minion} started {cleanups} clean-ups for {Actions(minion, launch: false)} terminating hooks");
        }
    }

    /// <summary>Every lifecycle action: exactly one successful completion (Auto Scaling refuses later ones), with the right result.</summary>
    private static void ActionsCompletedOnceWithTheRightResult(ChaosRecord record, List<string> broken)
    {
        const string invariant = "completed exactly once with the right result";
        var dead = DeadLetterIds(record);
        var actions = record.Sent.Where(s => s.Message.Expect == Expectation.CompleteAction).GroupBy(s => Identity(s.Message)).ToList();
        // The describe calls (accept gate, hook catalogue) read; only completions and heartbeats act on an action.
        var calls = record.AutoScalingCalls.Where(c => !c.Action.StartsWith("Describe", StringComparison.Ordinal)).ToList();
        foreach (var action in actions)
        {
            var message = action.First().Message;
            var completions = calls.Where(c => c.Action == Complete && Identity(c) == action.Key).ToList();
            if (completions.Count == 0)
            {
                // Only a message the dead-letter queue holds may leave its action open (with a logged reason, checked below).
                if (!action.Any(s => dead.Contains(s.MessageId)))
                    broken.Add($"{invariant}: {message.Label} ({message.Token}) was never completed");
                continue;
            }

            // The simulator, like AWS, accepts the first completion of an action and answers every later one "No active Lifecycle Action found".
            var expected = record.ExternalCompletions.GetValueOrDefault(message.Token!) ?? message.Result;
            if (completions[0].Result != expected)
                broken.Add($"{invariant}: {message.Label} was completed {completions[0].Result}, expected {expected}");
            foreach (var own in completions.Where(c => c.Signed && c.Result != message.Result))
                broken.Add($"{invariant}: the daemon completed {message.Label} with {own.Result} (expected {message.Result})");
        }

        var known = actions.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var call in calls.Where(c => !known.Contains(Identity(c))))
            broken.Add($"{invariant}: {call.Action} for an action no valid message carried ({call.Group}/{call.Hook}/{call.Token ?? call.InstanceId})");
        foreach (var call in calls.Where(c => !c.Signed && (c.Token is null || !record.ExternalCompletions.ContainsKey(c.Token))))
            broken.Add($"{invariant}: unsigned {call.Action} for {call.Token ?? call.InstanceId}");
    }

    /// <summary>Each message processed, or in the dead-letter queue with a logged reason; the main queue empty.</summary>
    private static void NoMessageLost(ChaosRecord record, List<string> broken)
    {
        const string invariant = "no message lost";
        if (record.LeftInQueue != 0)
            broken.Add($"{invariant}: {record.LeftInQueue} messages are still in the queue");
        var dead = DeadLetterIds(record);
        var sentIds = record.Sent.Select(s => s.MessageId).ToHashSet(StringComparer.Ordinal);
        foreach (var letter in record.DeadLetters.Where(d => !sentIds.Contains(d.MessageId)))
            broken.Add($"{invariant}: the dead-letter queue holds {letter.MessageId}, which the run never sent");

        var saltCalls = record.SaltCalls;
        foreach (var (id, message) in record.Sent)
        {
            if (dead.Contains(id))
            {
                // The daemon names the message in every retry and rejection; that line is the operator's reason.
                if (!record.LogLines.Any(l => IsWarningOrWorse(l) && l.Contains(id, StringComparison.Ordinal)))
                    broken.Add($"{invariant}: {message.Label} ({id}) went to the dead-letter queue without a logged reason");
                continue;
            }

            var processed = message.Expect switch
            {
                Expectation.Reject => record.LogLines.Any(l => l.Contains($"Rejected message {id}: ", StringComparison.Ordinal)),
                Expectation.Acknowledge => record.LogLines.Any(l => l.Contains($"Acknowledged message {id} ", StringComparison.Ordinal)),
                Expectation.DeleteKey => saltCalls.Any(c => c.MinionId == message.MinionId && c.What == "wheel key.delete_dict"),
                // Its completion is checked above; here: the daemon took this very copy up (work, or a known duplicate).
                _ => record.LogLines.Any(l => l.Contains($"(message {id}, receive ", StringComparison.Ordinal) || l.Contains($"Message {id} for ", StringComparison.Ordinal)),
            };
            if (!processed)
                broken.Add($"{invariant}: {message.Label} ({id}) was neither processed nor dead-lettered");
        }
    }

    /// <summary>Only launches accept keys, only their own minion's, and never a key an operator rejected.</summary>
    private static void NoKeyAcceptedForARejectedMessage(ChaosRecord record, List<string> broken)
    {
        const string invariant = "no key accepted for a rejected message";
        var launches = record.Sent.Where(s => s.Message is { Launch: true, Expect: Expectation.CompleteAction }).Select(s => s.Message.MinionId!).ToHashSet(StringComparer.Ordinal);
        foreach (var request in Lowstates(record))
        {
            if (request.Lowstate?["fun"]?.GetValue<string>() != "key.accept_dict")
                continue;
            foreach (var id in DictIds(request.Lowstate["match"]))
            {
                if (!launches.Contains(id))
                    broken.Add($"{invariant}: key.accept_dict for {id}, which no valid launch named");
                if (record.RefusedKeys.Contains(id))
                    broken.Add($"{invariant}: key.accept_dict for {id}, whose key an operator rejected");
            }
        }
    }

    /// <summary>Every lowstate names exactly one exact minion id of a valid message (list targeting, *_dict key functions).</summary>
    private static void SaltCallsTargetOneExactMinion(ChaosRecord record, List<string> broken)
    {
        const string invariant = "one exact minion id per Salt call";
        broken.AddRange(record.SaltViolations.Select(v => $"{invariant}: the simulator recorded: {v}"));
        var minions = record.Sent.Where(s => s.Message.Expect != Expectation.Reject && s.Message.MinionId is not null)
            .Select(s => s.Message.MinionId!).ToHashSet(StringComparer.Ordinal);
        bool Exact(string? id) => id is not null && minions.Contains(id) && SaltNames.IsExactMinionId(id);

        foreach (var request in Lowstates(record))
        {
            var lowstate = request.Lowstate;
            var what = $"{request.Request.Method} {request.Request.Path} {Shorten(request.Request.Body)}";
            if (lowstate is null)
            {
                broken.Add($"{invariant}: not one lowstate: {what}");
                continue;
            }

            var client = lowstate["client"]?.GetValue<string>();
            var fun = lowstate["fun"]?.GetValue<string>();
            var ok = (client, fun) switch
            {
                ("local" or "local_async", _) => lowstate["tgt_type"]?.GetValue<string>() == "list"
                    && lowstate["tgt"] is JsonArray { Count: 1 } tgt && tgt[0] is JsonValue one && one.TryGetValue<string>(out var target) && Exact(target),
                ("wheel", "key.name_match") => lowstate["match"] is JsonValue match && match.TryGetValue<string>(out var name) && Exact(name),
                ("wheel", "key.accept_dict") => DictIds(lowstate["match"], "minions_pre") is [var pending] && Exact(pending),
                ("wheel", "key.delete_dict") => DictIds(lowstate["match"], "minions") is [var accepted] && Exact(accepted),
                _ => false,
            };
            if (!ok)
                broken.Add($"{invariant}: {what}");
        }

        // The event stream's liveness probe is the one event about no minion.
        var probe = "/hook/" + SaltApiBridge.Salt.Events.SaltEventWaiters.ProbeHookTag;
        foreach (var hook in record.SaltRequests.Where(r => r.Path.StartsWith("/hook/", StringComparison.Ordinal) && r.Path != probe))
        {
            var minion = TryParse(hook.Body)?["minion_id"];
            if (minion is not JsonValue value || !value.TryGetValue<string>(out var id) || !Exact(id))
                broken.Add($"{invariant}: event {hook.Path} for {minion?.ToJsonString()}");
        }
    }

    private static void NoSecretInTheLogs(ChaosRecord record, List<string> broken)
    {
        foreach (var secret in record.Secrets.Where(s => s.Length > 0))
        {
            if (record.LogLines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal)) is { } line)
                broken.Add($"no token or password in any log line: '{Shorten(secret)}' in: {Shorten(line)}");
        }
    }

    /// <summary>Where the daemon's deletes were recorded: none before the action was completed (by anyone) or the key deleted.</summary>
    private static void NothingDeletedBeforeItsWorkWasDone(ChaosRecord record, List<string> broken)
    {
        const string invariant = "deleted only when done";
        var timeline = record.Timeline;
        if (!timeline.RecordsDeletes)
            return;
        var byId = record.Sent.ToDictionary(s => s.MessageId, s => s.Message, StringComparer.Ordinal);
        var firstCompletion = timeline.AutoScalingCalls.Where(c => c.Value.Action == Complete)
            .GroupBy(c => Identity(c.Value)).ToDictionary(g => g.Key, g => g.Min(c => c.Sequence), StringComparer.Ordinal);
        foreach (var delete in timeline.Deletes)
        {
            if (!byId.TryGetValue(delete.Value, out var message))
            {
                broken.Add($"{invariant}: deleted {delete.Value}, which the run never sent");
                continue;
            }

            var done = message.Expect switch
            {
                Expectation.CompleteAction => firstCompletion.TryGetValue(Identity(message), out var at) && at < delete.Sequence,
                Expectation.DeleteKey => timeline.SaltCalls.Any(c => c.Sequence < delete.Sequence && c.Value.MinionId == message.MinionId && c.Value.What == "wheel key.delete_dict"),
                _ => true,
            };
            if (!done)
                broken.Add($"{invariant}: {message.Label} ({delete.Value}) was deleted before its work was done");
        }
    }

    private static HashSet<string> DeadLetterIds(ChaosRecord record) => record.DeadLetters.Select(d => d.MessageId).ToHashSet(StringComparer.Ordinal);

    private static string Identity(ChaosMessage message) => $"{message.Group}/{message.Hook}/{message.Token}";

    private static string Identity(AutoScalingCall call) => $"{call.Group}/{call.Hook}/{call.ActionToken ?? call.Token ?? call.InstanceId}";

    private static bool IsWarningOrWorse(string line) =>
        line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal)
        || line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal);

    private static IEnumerable<(RawSaltRequest Request, JsonObject? Lowstate)> Lowstates(ChaosRecord record) =>
        record.SaltRequests.Where(r => r.Path == "/" && r.Method == "POST")
            .Select(r => (r, TryParse(r.Body) is JsonArray { Count: 1 } array ? array[0] as JsonObject : null));

    /// <summary>The ids of a *_dict match ({"dir": [ids]}), from its one key directory (or the named one); empty otherwise.</summary>
    private static List<string> DictIds(JsonNode? match, string? directory = null)
    {
        if (match is not JsonObject { Count: 1 } dict || (directory is not null && !dict.ContainsKey(directory)) || dict.First().Value is not JsonArray ids)
            return [];
        return [.. ids.Select(i => i is JsonValue v && v.TryGetValue<string>(out var s) ? s : "<not a string>")];
    }

    private static JsonNode? TryParse(string? text)
    {
        try
        {
            return text is null ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length > 200 ? text[..200] + "…" : text;
}
