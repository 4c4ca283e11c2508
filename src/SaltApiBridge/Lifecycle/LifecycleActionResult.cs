namespace SaltApiBridge.Lifecycle;

/// <summary>The result a lifecycle action is completed with (the Query API's LifecycleActionResult).</summary>
public enum LifecycleActionResult
{
    Continue,
    Abandon,
}
