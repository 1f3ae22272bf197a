// setupFilesAfterEnv of the workflow and integration projects: each test file logs to its own file.
import { beginTestFileLog, endTestFileLog } from './testLogs';

beginTestFileLog(expect.getState().testPath ?? 'unknown.test.ts');
afterAll(endTestFileLog);
