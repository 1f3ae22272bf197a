export declare const LOG_DIR: string;
export declare function logFileFor(testPath: string): string;
export declare function beginRun(): void;
