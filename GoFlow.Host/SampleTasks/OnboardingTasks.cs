using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Ports.Driven;

namespace GoFlow.Host.SampleTasks;

/// <summary>
/// UserOnboarding, step 1: creates the account of a user with a valid-looking email; a bad email fails for good.
/// </summary>
internal sealed class CreateAccount : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (input["email"] is not JsonValue email
            || email.GetValueKind() != JsonValueKind.String
            || !email.GetValue<string>().Contains('@', StringComparison.Ordinal))
        {
            throw new PermanentTaskFailureException("email is required and must contain '@'.");
        }

        input["account_id"] = Guid.NewGuid().ToString("D");
        return Task.FromResult(input);
    }
}

/// <summary>UserOnboarding, step 2: sends the welcome email.</summary>
internal sealed class SendWelcomeEmail : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        input["welcome_email_sent"] = true;
        return Task.FromResult(input);
    }
}

/// <summary>UserOnboarding, step 3: gives the user the member role unless the input already names a role.</summary>
internal sealed class AssignRole : ITaskHandler
{
    public Task<JsonObject> HandleAsync(JsonObject input, CancellationToken cancellationToken)
    {
        if (input["role"] is null)
        {
            input["role"] = "member";
        }

        return Task.FromResult(input);
    }
}
