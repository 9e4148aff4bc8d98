// What starting a workflow answers, for POST /workflows and a schedule's trigger alike (written by ApiResults): one
// alias, so the routes cannot drift apart in what they promise.
global using StartWorkflowAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Created<GoFlow.Adapters.Http.Contracts.MessageResponse<GoFlow.Adapters.Http.Contracts.WorkflowResponse>>,
    GoFlow.Adapters.Http.Apis.OkWithLocation<GoFlow.Adapters.Http.Contracts.MessageResponse<GoFlow.Adapters.Http.Contracts.WorkflowResponse>>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>;
