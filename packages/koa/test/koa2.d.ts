// Koa 2 is installed under the alias `koa2` for the compatibility run; the middleware API used
// here is the same as Koa 3's, so the Koa 3 types stand in for it.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
