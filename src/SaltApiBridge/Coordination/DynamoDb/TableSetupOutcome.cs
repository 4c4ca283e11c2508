namespace SaltApiBridge.Coordination.DynamoDb;

public enum TableSetupOutcome
{
    Created,

    /// <summary>The table was there with the right schema: left as it was.</summary>
    AlreadyThere,

    /// <summary>A table of that name exists with another schema: changed in nothing.</summary>
    OtherSchema,
}
