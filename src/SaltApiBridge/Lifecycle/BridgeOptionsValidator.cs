using Microsoft.Extensions.Options;

namespace SaltApiBridge.Lifecycle;

/// <summary>Lists every problem of the "Bridge" section at once.</summary>
public sealed class BridgeOptionsValidator : IValidateOptions<BridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();

        if (!MinionIdTemplate.TryParse(options.MinionIdTemplate, out _, out var templateProblem))
            problems.Add($"Bridge:{templateProblem}");

        CheckGroups(problems, "Bridge:Groups", options.Groups);
        CheckGroups(problems, "Bridge:GoldenImageGroups", options.GoldenImageGroups);
        if (options.Groups.Count > 0)
        {
            foreach (var golden in options.GoldenImageGroups.Where(g => !options.Groups.Contains(g)))
                problems.Add($"Bridge:GoldenImageGroups names '{golden}', which is not in Bridge:Groups");
        }

        foreach (var state in options.CleanStates)
        {
            if (!IsStateName(state))
                problems.Add($"Bridge:CleanStates: '{state}' is not a state name (letters, digits, '_', '-', '.')");
        }

        if (!Enum.IsDefined(options.LaunchFailureResult))
            problems.Add("Bridge:LaunchFailureResult must be Abandon or Continue");

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckGroups(List<string> problems, string key, IList<string> groups)
    {
        foreach (var group in groups)
        {
            if (NameRules.CheckGroupName(group) is { } problem)
                problems.Add($"{key}: {problem}");
        }
    }

    /// <summary>An SLS name: dotted path segments, nothing that state.sls would read as a list or a glob.</summary>
    internal static bool IsStateName(string? state) =>
        !string.IsNullOrEmpty(state) && state.Length <= 200 && state[0] != '.' && state[^1] != '.'
        && state.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
