using GoFlow.Hosting;
using Shop;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGoFlow(builder.Configuration, goflow => goflow
    .UseSqlite()
    .AddWorkflow("Refund", w => w.Step<ApproveRefund>().Step<IssueRefund>())
    .AddWorker());
var app = builder.Build();
app.MapGoFlow();
app.Run();
