// Express 4 is installed under the alias `express4` for the compatibility run; its API used here
// is the same as Express 5's, so the Express 5 types stand in for it.
declare module 'express4' {
  import express from 'express';
  export default express;
}
