/** Any other /api/v1 address: a JSON 404 that says where the API is described. */
function notFound(request: Request) {
  const path = new URL(request.url).pathname;
  return Response.json(
    {
      error: "not_found",
      message: `There is no ${path} in this API; /api/v1/openapi.json lists every route.`,
    },
    { status: 404 },
  );
}

export {
  notFound as GET,
  notFound as POST,
  notFound as PUT,
  notFound as PATCH,
  notFound as DELETE,
};
