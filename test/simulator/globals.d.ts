// Globals that exist inside the simulated AppService, where miniProgram.evaluate() runs functions.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare function getApp(): any;
declare function getCurrentPages(): any[];
declare const __headless__: any;
declare const wx: any;
