using GoFlow.Hosting.Configuration;
using Microsoft.Data.Sqlite;

namespace GoFlow.Host.Tests.Configuration;

/// <summary>
/// Every kind of bad setting ends the host with exit code 1 and one line that names the setting and its value,
/// through the same runner Program.cs uses, in process. <see cref="BadSettingProcessTests"/> runs the real process.
/// </summary>
public sealed class BadSettingTests
{
    private string _folder = null!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("goflow-bad-setting-").FullName;

    [OneTimeTearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    // One case per validator, and per options type validated with data annotations.
    [TestCase("Workflows:Refund:Tasks:0", "IssueRefund", "Workflows:Refund names task 'IssueRefund'", TestName = "Workflows_TaskWithoutHandler")]
    [TestCase("Workflows:Refund", "", "Workflows:Refund:Tasks is empty", TestName = "Workflows_NoTasks")]
    [TestCase("Workflows:OrderProcess:TaskSettings:Ship:MaxAttempts", "2", "Workflows:OrderProcess:TaskSettings names 'Ship'", TestName = "Workflows_SettingsForAnUnknownTask")]
    [TestCase("Workflows:OrderProcess:MaxAttempts", "0", "Workflows:OrderProcess has an invalid retry, timeout or signal setting", TestName = "Workflows_PolicyOutOfRange")]
    [TestCase("Worker:MaxAttempts", "0", "Worker:MaxAttempts is '0': The field MaxAttempts must be between 1 and 1000.", TestName = "TaskPolicyOptions_OutOfRange")]
    [TestCase("Worker:BatchSize", "0", "Worker:BatchSize is '0': The field BatchSize must be between 1 and 1000.", TestName = "WorkerOptions_OutOfRange")]
    [TestCase("Worker:HeartbeatInterval", "00:10:00", "Worker:LeaseDuration (00:05:00) must be longer than Worker:HeartbeatInterval (00:10:00)", TestName = "WorkerOptionsValidator_LeaseShorterThanHeartbeat")]
    [TestCase("Worker:MaxConcurrencyWhileApiBusy", "0", "Worker:MaxConcurrencyWhileApiBusy is '0': The field MaxConcurrencyWhileApiBusy must be between 1 and 10000.", TestName = "WorkerOptions_BusyShareOutOfRange")]
    [TestCase("Retention:BatchSize", "0", "Retention:BatchSize is '0'", TestName = "RetentionOptions_OutOfRange")]
    [TestCase("Sqlite:BusyTimeout", "00:00:00", "Sqlite:BusyTimeout must be between 00:00:00.001", TestName = "SqliteOptionsValidator_BusyTimeout")]
    [TestCase("Sqlite:Path", " ", "Sqlite:Path is ' ': Sqlite:Path must name the database file.", TestName = "SqliteOptions_BlankPath")]
    [TestCase("MySql:Host", "db.internal", "MySql:MaxOpenConnections is '0': MySql:MaxOpenConnections must be between 1 and 10000.", TestName = "MySqlOptions_OutOfRange")]
    [TestCase("MySql:ConnectionString", "Server=db;Bogus Key=1", "MySql:ConnectionString is not a valid MySQL connection string", TestName = "MySqlOptionsValidator_ConnectionString")]
    [TestCase("Api:Keys:0", " ", "Api:Keys:0 is blank", TestName = "ApiOptionsValidator_BlankKey")]
    [TestCase("Api:MaxPayloadDepth", "65", "Api:MaxPayloadDepth is '65': Api:MaxPayloadDepth must be between 1 and 64 levels.", TestName = "ApiOptions_OutOfRange")]
    [TestCase("Server:Port", "0", "Server:Port is 0", TestName = "ServerOptions_OutOfRange")]
    [TestCase("Server:Port", "eighty", "'eighty' at 'Server:Port'", TestName = "ServerOptions_NotANumber")]
    [TestCase("GoFlow:Roles", "Scheduler", "GoFlow:Roles has an unknown role 'Scheduler'", TestName = "HostRoles_UnknownRole")]
    [TestCase("Schedules:Nightly:Cron", "0 2 * * *", "Schedules:Nightly:Workflow is required", TestName = "SchedulesOptionsValidator_NoWorkflow")]
    [TestCase("Schedules:OrderProcess:Overlap", "Sometimes", "Schedules:OrderProcess:Overlap is 'Sometimes'", TestName = "SchedulesOptions_UnknownPolicy")]
    [TestCase("Worker:MaxAttempts", "three", "Worker:MaxAttempts is 'three', which is not a valid System.Int32.", TestName = "Binding_NotANumber")]
    [TestCase("Workflows:OrderProcess:MaxAttempts", "three", "Workflows:OrderProcess:MaxAttempts is 'three', which is not a valid System.Int32.", TestName = "Binding_NotANumberInADictionaryEntry")]
    [TestCase("Workflows:OrderProcess:TaskSettings:DeductMoney:TaskTimeout", "soon", "Workflows:OrderProcess:TaskSettings:DeductMoney:TaskTimeout is 'soon', which is not a valid", TestName = "Binding_NotATimeSpanInANestedDictionaryEntry")]
    [TestCase("Workflows:OrderProcess:MaxAtempts", "3", "Workflows:OrderProcess:MaxAtempts is no setting GoFlow knows", TestName = "Binding_MisspeltSettingInADictionaryEntry")]
    [TestCase("Schedules:Nightly:Crn", "0 2 * * *", "Schedules:Nightly:Crn is no setting GoFlow knows", TestName = "Binding_MisspeltScheduleSetting")]
    public void Run_BadSetting_ExitsOneWithOneLineNamingIt(string setting, string value, string expected)
    {
        string[] extra = setting == "MySql:Host" ? ["--MySql:MaxOpenConnections=0"] : [];

        var (exitCode, output) = RunWith([$"--{setting}={value}", .. extra]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.EqualTo(1), output);
            Assert.That(output.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), output);
            Assert.That(output, Does.StartWith(ConfigurationErrors.Prefix));
            Assert.That(output, Does.Contain(expected));
        }
    }

    [Test]
    public void Run_SecretSettingInvalid_NamesItWithoutItsValue()
    {
        var (exitCode, output) = RunWith(["--Api:Keys:0=s3cret key"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("Api:Keys:0"));
            Assert.That(output, Does.Not.Contain("s3cret"));
        }
    }

    private (int ExitCode, string Output) RunWith(string[] args) =>
        RunnerUnderTest.Run(["--Sqlite:Path=" + Path.Combine(_folder, "goflow.db"), .. args]);
}
